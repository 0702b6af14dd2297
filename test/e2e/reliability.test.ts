// Faults while the tools run: a broker restarted on the same port, one that never answers, one
// that goes silent, and a session taken over by another client with the same id.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { freePort, hasMosquitto, startBroker } from '../helpers/broker.js';
import { at, killAll, run, start, subscriber, type Running } from '../helpers/cli.js';

after(killAll);

/** Resolves once the running tool has printed `text` on stdout. */
async function printed(proc: Running, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.stdout().toString().includes(text)) {
    if (Date.now() > deadline) throw new Error(`never printed '${text}'; stderr: ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const RETRY = /^tssub: reconnecting failed: connection refused by 127\.0\.0\.1:\d+: is a broker running there\?; trying again in \d+ s$/;

/** stderr of a run through one restart: the loss, maybe refused attempts, the reconnection. */
function assertOneRestart(stderr: string, where: string, reconnected: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines[0], `tssub: connection to ${where} lost: the broker closed the connection; reconnecting in 1 s`, stderr);
  assert.equal(lines.at(-1), `tssub: reconnected to ${where}${reconnected}`, stderr);
  for (const line of lines.slice(1, -1)) assert.match(line, RETRY);
}

describe('tssub: broker restarted on the same port', { skip: !hasMosquitto && 'needs mosquitto (restart)' }, () => {
  test('reconnects, subscribes again, keeps printing; -C counts across the restart', async () => {
    const broker = await startBroker();
    try {
      const where = `127.0.0.1:${broker.port}`;
      const sub = await subscriber(broker, 'tssub', ['-t', 'r/a', '-q', '1', '-C', '2', '-v'], { timeoutMs: 60_000 });
      assert.equal((await run('tspub', [...at(broker), '-t', 'r/a', '-q', '1', '-m', 'before'])).code, 0);
      await printed(sub, 'r/a before\n');
      const subacks = broker.subackCount();
      await broker.resume();
      await broker.waitForSubacks(subacks + 1, 40_000);
      const pub = await run('tspub', [...at(broker), '-t', 'r/a', '-q', '1', '-m', 'after']);
      assert.equal(pub.code, 0, pub.stderr);
      const result = await sub.done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.toString(), 'r/a before\nr/a after\n');
      assertOneRestart(result.stderr, where, ', subscribing again');
    } finally {
      await broker.stop();
    }
  });

  test('--quiet: no reconnect lines', async () => {
    const broker = await startBroker();
    try {
      const sub = await subscriber(broker, 'tssub', ['-t', 'r/q', '-C', '1', '--quiet'], { timeoutMs: 60_000 });
      const subacks = broker.subackCount();
      await broker.resume();
      await broker.waitForSubacks(subacks + 1, 40_000);
      assert.equal((await run('tspub', [...at(broker), '-t', 'r/q', '-m', 'x'])).code, 0);
      const result = await sub.done;
      assert.equal(result.code, 0);
      assert.equal(result.stdout.toString(), 'x\n');
      assert.equal(result.stderr, '');
    } finally {
      await broker.stop();
    }
  });

  test('-W keeps its deadline while tssub waits to reconnect: exit 27', async () => {
    const broker = await startBroker();
    try {
      const where = `127.0.0.1:${broker.port}`;
      const sub = await subscriber(broker, 'tssub', ['-t', 'r/w', '-W', '6'], { timeoutMs: 30_000 });
      await broker.halt();
      const result = await sub.done;
      assert.equal(result.code, 27);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines[0], `tssub: connection to ${where} lost: the broker closed the connection; reconnecting in 1 s`);
      assert.equal(lines.at(-1), 'tssub: timed out after 6 s');
      for (const line of lines.slice(1, -1)) assert.match(line, RETRY);
    } finally {
      await broker.stop();
    }
  });

  test('--no-reconnect: exit 7 at the first loss', async () => {
    const broker = await startBroker();
    try {
      const sub = await subscriber(broker, 'tssub', ['-t', 'r/n', '--no-reconnect'], { timeoutMs: 30_000 });
      await broker.halt();
      const result = await sub.done;
      assert.equal(result.code, 7);
      assert.equal(result.stderr, `tssub: connection to 127.0.0.1:${broker.port} lost: the broker closed the connection\n`);
    } finally {
      await broker.stop();
    }
  });

  test('-c -i: the kept session brings the QoS 1 messages published while tssub was away', async () => {
    const broker = await startBroker({ persistence: true });
    try {
      const where = `127.0.0.1:${broker.port}`;
      const sub = await subscriber(broker, 'tssub', ['-t', 'r/p', '-q', '1', '-c', '-i', 'tsmqtt-rel-kept', '-C', '4', '-v'], {
        timeoutMs: 60_000,
      });
      assert.equal((await run('tspub', [...at(broker), '-t', 'r/p', '-q', '1', '-m', 'm1'])).code, 0);
      await printed(sub, 'r/p m1\n');
      await broker.resume();
      // Published as soon as the broker is back: queued for the kept session, or delivered live
      // if tssub was quicker; either way none is lost and nothing is subscribed again.
      for (const m of ['m2', 'm3']) {
        const pub = await run('tspub', [...at(broker), '-t', 'r/p', '-q', '1', '-m', m]);
        assert.equal(pub.code, 0, pub.stderr);
      }
      await printed(sub, 'r/p m3\n', 40_000);
      assert.equal((await run('tspub', [...at(broker), '-t', 'r/p', '-q', '1', '-m', 'm4'])).code, 0);
      const result = await sub.done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.toString(), 'r/p m1\nr/p m2\nr/p m3\nr/p m4\n');
      assertOneRestart(result.stderr, where, ': the broker kept the session');
    } finally {
      await broker.stop();
    }
  });
});

describe('a broker that takes the connection away', { skip: !hasMosquitto && 'needs mosquitto' }, () => {
  for (const version of ['311', '5']) {
  // mosquitto 2.0 closes a taken-over connection without a DISCONNECT, under MQTT 5 too.
  test(`-V ${version} takeover (a plain close): two tssubs with one id stop fighting`, async () => {
    const broker = await startBroker();
    try {
      const args = ['-V', version, '-i', 'tsmqtt-rel-fight', '-t', 'r/f'];
      const a = await subscriber(broker, 'tssub', args, { timeoutMs: 60_000 });
      const b = await subscriber(broker, 'tssub', args, { timeoutMs: 60_000 });
      const first = await Promise.race([a.done.then((r) => ({ r, other: b })), b.done.then((r) => ({ r, other: a }))]);
      assert.equal(first.r.code, 7, first.r.stderr);
      assert.match(
        first.r.stderr.trimEnd().split('\n').at(-1)!,
        /^tssub: connection to 127\.0\.0\.1:\d+ lost: the broker closed the connection; closed 3 times in a row right after reconnecting: is another client using the client id 'tsmqtt-rel-fight'\? Not reconnecting$/,
      );
      // The one left keeps its session, and a signal ends it normally.
      first.other.child.kill('SIGINT');
      assert.equal((await first.other.done).code, 0);
    } finally {
      await broker.stop();
    }
  });
  }
});

describe('a broker that stays silent', () => {
  /** A TCP server that accepts and reads, and answers CONNECT only if `connack` is given. */
  async function silentServer(connack?: Buffer): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('data', () => {
        if (connack) socket.write(connack);
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return {
      port,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  }

  for (const tool of ['tssub', 'tspub'] as const) {
    test(`${tool}: no CONNACK within --connect-timeout: exit 1, saying so`, async () => {
      const server = await silentServer();
      try {
        const args = tool === 'tssub' ? ['-t', 'x'] : ['-t', 'x', '-m', 'y'];
        const result = await run(tool, ['-h', '127.0.0.1', '-p', String(server.port), '--connect-timeout', '1', ...args]);
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `${tool}: no answer to CONNECT from 127.0.0.1:${server.port} within 1 s: is it an MQTT broker?\n`);
        assert.equal(result.stdout.length, 0);
      } finally {
        await server.close();
      }
    });
  }

  test('MQTT 5 DISCONNECT "session taken over" (142): say so, exit 7, do not reconnect', async () => {
    // CONNACK (v5, no properties), then at once DISCONNECT with reason code 142, as brokers that
    // announce a takeover do.
    const server = await silentServer(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00, 0xe0, 0x02, 0x8e, 0x00]));
    try {
      const result = await run('tssub', ['-h', '127.0.0.1', '-p', String(server.port), '-V', '5', '-i', 'tsmqtt-rel-taken', '-t', 'x']);
      assert.equal(result.code, 7);
      assert.equal(
        result.stderr,
        `tssub: connection to 127.0.0.1:${server.port} lost: the broker disconnected us: session taken over (reason code 142): another client connected with the client id 'tsmqtt-rel-taken'\n`,
      );
    } finally {
      await server.close();
    }
  });

  test('tssub: keepalive expiry is detected and reported (--no-reconnect: exit 7)', async () => {
    const server = await silentServer(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    try {
      const result = await run('tssub', ['-h', '127.0.0.1', '-p', String(server.port), '-k', '5', '--no-reconnect', '-t', 'x'], {
        timeoutMs: 40_000,
      });
      assert.equal(result.code, 7);
      assert.equal(
        result.stderr,
        `tssub: connection to 127.0.0.1:${server.port} lost: keepalive expired: the broker did not answer PINGREQ (nothing received for 7.5 s, keepalive 5 s)\n`,
      );
    } finally {
      await server.close();
    }
  });
});

describe('tspub -l: broker restarted mid-stream', { skip: !hasMosquitto && 'needs mosquitto (restart)' }, () => {
  const lines = (from: number, to: number): string => {
    let text = '';
    for (let i = from; i <= to; i++) text += `line ${i}\n`;
    return text;
  };

  for (const qos of ['1', '2']) {
    test(`-q ${qos} -c -i: reconnects, sends the unacknowledged messages again, none lost${qos === '2' ? ' or doubled' : ''}`, async (t) => {
      const broker = await startBroker({ persistence: true });
      try {
        const where = `127.0.0.1:${broker.port}`;
        // A kept subscriber session, offline meanwhile: the broker queues every message for it.
        const create = await run('tssub', [...at(broker), '-t', 'r/l', '-q', '2', '-c', '-i', `tsmqtt-rel-lsub${qos}`, '-E']);
        assert.equal(create.code, 0, create.stderr);
        const pub = start('tspub', [...at(broker), '-t', 'r/l', '-l', '-q', qos, '-c', '-i', `tsmqtt-rel-lpub${qos}`, '-M', '5', '-d'], {
          timeoutMs: 60_000,
        });
        const deadline = Date.now() + 20_000;
        while (!pub.stderr().includes('received CONNACK')) {
          if (Date.now() > deadline) throw new Error(`no CONNACK: ${pub.stderr()}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        // The broker stops answering with messages in flight, then restarts.
        assert.equal(broker.signal('SIGSTOP'), true);
        pub.child.stdin!.write(lines(1, 100));
        while (pub.stderr().split('sending PUBLISH').length - 1 < 5) {
          if (Date.now() > deadline) throw new Error(`fewer than 5 PUBLISH: ${pub.stderr()}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        await broker.resume();
        pub.child.stdin!.end(lines(101, 200));
        const result = await pub.done;
        const said = result.stderr.split('\n').filter((l) => l.startsWith('tspub:'));
        t.diagnostic(said.join(' | '));
        assert.equal(result.code, 0, said.join('\n'));
        assert.match(said[0] ?? '', new RegExp(`^tspub: connection to ${where.replace(/\./g, '\\.')} lost with [0-5] messages? not acknowledged; reconnecting$`));
        assert.match(said.at(-1) ?? '', new RegExp(`^tspub: reconnected to ${where.replace(/\./g, '\\.')}: [0-5] messages? sent again$`));
        if (qos === '2') {
          const got = await run('tssub', [...at(broker), '-t', 'r/l', '-q', '2', '-c', '-i', 'tsmqtt-rel-lsub2', '-C', '200', '-W', '30']);
          assert.equal(got.code, 0, got.stderr);
          assert.equal(got.stdout.toString(), lines(1, 200));
        } else {
          // Duplicates are allowed at QoS 1, so the count is unknown: read until quiet.
          const got = await run('tssub', [...at(broker), '-t', 'r/l', '-q', '2', '-c', '-i', 'tsmqtt-rel-lsub1', '-W', '5']);
          assert.equal(got.code, 27, got.stderr);
          const seen = new Set(got.stdout.toString().trimEnd().split('\n'));
          assert.deepEqual([...seen].sort(), lines(1, 200).trimEnd().split('\n').sort());
        }
      } finally {
        await broker.stop();
      }
    });
  }

  test('-q 1 -c -i: SIGINT while waiting to reconnect ends as an interrupt (130), with the count', async () => {
    const broker = await startBroker();
    try {
      const pub = start('tspub', [...at(broker), '-t', 'r/l', '-l', '-q', '1', '-c', '-i', 'tsmqtt-rel-lint', '-M', '5', '-d'], { timeoutMs: 30_000 });
      while (!pub.stderr().includes('received CONNACK')) await new Promise((r) => setTimeout(r, 20));
      assert.equal(broker.signal('SIGSTOP'), true);
      pub.child.stdin!.write(lines(1, 100));
      while (pub.stderr().split('sending PUBLISH').length - 1 < 5) await new Promise((r) => setTimeout(r, 20));
      broker.signal('SIGKILL');
      while (!pub.stderr().includes('reconnecting')) await new Promise((r) => setTimeout(r, 20));
      pub.child.kill('SIGINT');
      const result = await pub.done;
      assert.equal(result.code, 130, result.stderr);
      assert.equal(
        result.stderr.trimEnd().split('\n').at(-1),
        `tspub: interrupted by SIGINT: connection to 127.0.0.1:${broker.port} lost, not reconnected: 5 of 5 messages sent not acknowledged; the rest of the input was not published`,
      );
    } finally {
      await broker.stop();
    }
  });

  test('-q 1 without a kept session: exit 7 with the count of unacknowledged messages', async () => {
    const broker = await startBroker();
    try {
      const pub = start('tspub', [...at(broker), '-t', 'r/l', '-l', '-q', '1', '-M', '5', '-d'], { timeoutMs: 30_000 });
      while (!pub.stderr().includes('received CONNACK')) await new Promise((r) => setTimeout(r, 20));
      assert.equal(broker.signal('SIGSTOP'), true);
      pub.child.stdin!.write(lines(1, 100));
      while (pub.stderr().split('sending PUBLISH').length - 1 < 5) await new Promise((r) => setTimeout(r, 20));
      broker.signal('SIGKILL');
      const result = await pub.done;
      assert.equal(result.code, 7);
      assert.match(
        result.stderr.trimEnd().split('\n').at(-1) ?? '',
        new RegExp(`^tspub: connection to 127\\.0\\.0\\.1:${broker.port} lost( \\(the broker reset the connection\\))?: 5 of 5 messages sent not acknowledged; the rest of the input was not published$`),
      );
    } finally {
      await broker.stop();
    }
  });
});
