// tspub's quick path (src/core/quick-publish.ts): a one-shot publish over plain TCP speaks its few
// packets itself instead of through MQTT.js. Here each command runs three ways, the quick path over
// libuv's TCP handle (the default), over net.Socket (TSMQTT_QUICK_PUBLISH=net) and the MQTT.js path
// (TSMQTT_QUICK_PUBLISH=0), through a relay that records what tspub sent to the real broker: the
// bytes must be identical, and so must exit codes and messages where the broker or the network
// says no.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, hasMosquitto, hasMosquittoClients, startBroker, type Broker } from '../helpers/broker.js';
import { killAll, run, runNotingBundles, start, subscriber, type Result } from '../helpers/cli.js';
import { startWiretap, type Wiretap } from '../helpers/wiretap.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;
const MQTTJS_PATH = { TSMQTT_QUICK_PUBLISH: '0' };
const QUICK_OVER_NET = { TSMQTT_QUICK_PUBLISH: 'net' };

let broker: Broker;
let tap: Wiretap;
const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-quick-'));
before(async () => {
  if (skip) return;
  broker = await startBroker({ extraPorts: 1, config: (ports) => [`listener ${ports[0]} ::1`] });
  tap = await startWiretap(broker);
});
after(async () => {
  killAll();
  await tap?.stop();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs tspub through the relay; returns its result and every byte it sent. */
async function tapped(args: string[], env: NodeJS.ProcessEnv, input?: Buffer): Promise<{ result: Result; sent: Buffer }> {
  tap.clear();
  const result = await run('tspub', ['-h', tap.host, '-p', String(tap.port), ...args], {
    env,
    ...(input ? { input } : {}),
  });
  // The relay may still be passing the last bytes on when tspub has exited.
  await new Promise((r) => setTimeout(r, 50));
  return { result, sent: tap.bytes('client') };
}

describe('the quick path sends the bytes the MQTT.js path sends', { skip }, () => {
  const binary = Buffer.alloc(100_000);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7) & 0xff;
  const file = join(dir, 'payload.bin');
  writeFileSync(file, binary);

  const cases: { args: string[]; input?: Buffer }[] = [
    { args: ['-t', 'quick/a', '-m', 'hello'] },
    { args: ['-t', 'quick/b', '-m', 'one', '-q', '1', '-r'] },
    { args: ['-t', 'quick/c', '-m', 'two', '-q', '2'] },
    { args: ['-V', '5', '-t', 'quick/d', '-m', 'five', '-q', '1'] },
    { args: ['-V', '5', '-t', 'quick/e', '-m', 'five', '-q', '2', '-r'] },
    { args: ['-V', '5', '-t', 'quick/e0', '-m', 'zero'] },
    { args: ['-V', '31', '-i', 'tsmqtt-quick-31', '-t', 'quick/f', '-m', 'old', '-q', '1'] },
    { args: ['-V', 'mqttv311', '-i', 'tsmqtt-quick-c', '-k', '30', '-t', 'quick/g', '-n', '-q', '1'] },
    { args: ['-u', 'someone', '-P', 'sécret', '-t', 'quick/h', '-m', 'ü ñ 日本'] },
    { args: ['-u', 'someone', '-t', 'quick/i', '-f', file, '-q', '1'] },
    { args: ['-t', 'quick/j', '-s', '-q', '2'], input: Buffer.from('all of stdin\nin one message\n') },
    { args: ['-V', '5', '-u', 'u', '-P', 'p', '-i', 'tsmqtt-quick-5', '-t', 'quick/k', '-m', 'x', '--connect-timeout', '3'] },
  ];
  for (const { args, input } of cases) {
    test(args.join(' ').replace(file, 'FILE'), async () => {
      const quick = await tapped(args, {}, input);
      const overNet = await tapped(args, QUICK_OVER_NET, input);
      const mqttjs = await tapped(args, MQTTJS_PATH, input);
      for (const { result } of [quick, overNet, mqttjs]) assert.equal(result.code, 0, result.stderr);
      assert.equal(quick.result.stderr, '');
      assert.equal(overNet.result.stderr, '');
      assert.ok(quick.sent.length > 0);
      assert.equal(quick.sent.toString('hex'), mqttjs.sent.toString('hex'));
      assert.equal(overNet.sent.toString('hex'), mqttjs.sent.toString('hex'));
    });
  }

  test('a subscriber receives what the quick path published, byte for byte', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'quick/bytes', '-C', '1', '-q', '1']);
    const r = await run('tspub', ['-h', broker.host, '-p', String(broker.port), '-t', 'quick/bytes', '-f', file, '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
    const got = await sub.done;
    assert.deepEqual(got.stdout, Buffer.concat([binary, Buffer.from('\n')]));
  });
});

describe('the quick path loads neither yargs nor MQTT.js', { skip }, () => {
  // The loader keeps compiled code per module in XDG_CACHE_HOME/tsmqtt: what a run loaded shows there.
  const loadedBy = async (env: NodeJS.ProcessEnv, args: string[]): Promise<string[]> => {
    const { result, bundles } = await runNotingBundles('tspub', ['-h', broker.host, '-p', String(broker.port), ...args], dir, { env });
    assert.equal(result.code, 0, result.stderr);
    return bundles;
  };

  test('tspub -t x -m 1 -q 1: only the quick path bundle', async () => {
    assert.deepEqual(await loadedBy({}, ['-t', 'x', '-m', '1', '-q', '1']), ['tspub-quick']);
  });

  // The quick path bundle gets every run first and hands these to the whole command.
  test('with TSMQTT_QUICK_PUBLISH=0, or an option the quick path leaves to MQTT.js, both load', async () => {
    assert.deepEqual(await loadedBy(MQTTJS_PATH, ['-t', 'x', '-m', '1']), ['mqtt', 'tspub', 'tspub-quick', 'yargs']);
    assert.deepEqual(await loadedBy({}, ['-t', 'x', '-m', '1', '--will-topic', 'w']), ['mqtt', 'tspub', 'tspub-quick', 'yargs']);
    // A kept session may have messages queued for the client id: MQTT.js handles them.
    assert.deepEqual(await loadedBy({}, ['-t', 'x', '-m', '1', '-c', '-i', 'tsmqtt-quick-kept']), ['mqtt', 'tspub', 'tspub-quick']);
    assert.deepEqual(await loadedBy({}, ['-t', 'x', '-m', '1', '-V', '5', '-D', 'publish', 'content-type', 'a']), ['mqtt', 'tspub', 'tspub-quick', 'yargs']);
    // Parsed without yargs, but -d is MQTT.js's packet trace.
    assert.deepEqual(await loadedBy({}, ['-t', 'x', '-m', '1', '-d']), ['mqtt', 'tspub', 'tspub-quick']);
  });
});

describe('the quick path fails as the MQTT.js path does', { skip }, () => {
  /** Runs on the three routes (quick over libuv, quick over net, MQTT.js); the outcomes must agree. */
  async function both(args: string[], host = '127.0.0.1', sameText: RegExp | undefined = undefined): Promise<Result> {
    const quick = await run('tspub', ['-h', host, ...args]);
    for (const env of [QUICK_OVER_NET, MQTTJS_PATH]) {
      const other = await run('tspub', ['-h', host, ...args], { env });
      if (sameText) {
        assert.match(quick.stderr, sameText);
        assert.match(other.stderr, sameText);
      } else {
        assert.equal(other.stderr, quick.stderr, env.TSMQTT_QUICK_PUBLISH);
      }
      assert.equal(other.code, quick.code, env.TSMQTT_QUICK_PUBLISH);
    }
    return quick;
  }

  test('nothing listening', async () => {
    const port = String(await freePort());
    const r = await both(['-p', port, '-t', 'x', '-m', '1'], 'localhost');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tspub: connection refused by localhost:${port}: is a broker running there?\n`);
  });

  test('a server that closes the connection at once', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = String((server.address() as net.AddressInfo).port);
      // Whether CONNECT was written before the close (a reset) or not (an end) is a race, on
      // either path, and the message says which.
      const r = await both(['-p', port, '-t', 'x', '-m', '1', '-q', '1'], '127.0.0.1', /^tspub: 127\.0\.0\.1:\d+ closed the connection (before accepting it|during CONNECT): is it an MQTT broker/);
      assert.equal(r.code, 1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  /** A TCP peer that reads and, to the first packet, answers `reply` (or nothing), then `after`. */
  async function peer(reply: Buffer | undefined, after: 'stay' | 'close-on-next'): Promise<{ port: string; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      let packets = 0;
      socket.on('data', () => {
        packets++;
        if (packets === 1 && reply) socket.write(reply);
        else if (packets > 1 && after === 'close-on-next') socket.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: String((server.address() as net.AddressInfo).port),
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  }

  test('SIGINT while waiting for CONNACK', async () => {
    const server = await peer(undefined, 'stay');
    try {
      const outcomes: Result[] = [];
      for (const env of [{}, QUICK_OVER_NET, MQTTJS_PATH]) {
        const pub = start('tspub', ['-h', '127.0.0.1', '-p', server.port, '-t', 'x', '-m', '1', '-q', '1'], { env });
        await new Promise((r) => setTimeout(r, 1500));
        pub.child.kill('SIGINT');
        outcomes.push(await pub.done);
      }
      assert.equal(outcomes[0]!.stderr, 'tspub: interrupted by SIGINT\n');
      assert.equal(outcomes[0]!.code, 130);
      for (const other of outcomes.slice(1)) {
        assert.equal(other.stderr, outcomes[0]!.stderr);
        assert.equal(other.code, outcomes[0]!.code);
      }
    } finally {
      await server.close();
    }
  });

  test('the connection lost while a QoS 1 message waits for PUBACK', async () => {
    const server = await peer(Buffer.from([0x20, 0x02, 0x00, 0x00]), 'close-on-next');
    try {
      const r = await both(['-p', server.port, '-t', 'lost/here', '-m', '1', '-q', '1']);
      assert.equal(r.stderr, "tspub: connection lost before the broker acknowledged the message on 'lost/here'\n");
      assert.equal(r.code, 7);
    } finally {
      await server.close();
    }
  });

  test('a QoS 2 message to a broker that allows QoS 1 (MQTT 5)', async () => {
    const strict = await startBroker({ config: ['max_qos 1'] });
    try {
      const r = await both(['-p', String(strict.port), '-V', '5', '-t', 'x', '-m', '1', '-q', '2']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'tspub: the broker accepts messages up to QoS 1: use -q 1\n');
    } finally {
      await strict.stop();
    }
  });

  test('refused credentials, MQTT 3.1.1 and 5', async () => {
    const locked = await startBroker({ config: ['allow_anonymous false'] });
    try {
      for (const version of ['311', '5']) {
        const r = await both(['-p', String(locked.port), '-V', version, '-t', 'x', '-m', '1']);
        assert.equal(r.code, version === '5' ? 135 : 5);
        assert.match(r.stderr, /^tspub: connection refused by the broker at 127\.0\.0\.1:\d+: not authori[sz]ed/i);
      }
    } finally {
      await locked.stop();
    }
  });
});

describe('MQTT 5: a password without a username', { skip }, () => {
  test('the quick path sends it (as mosquitto_pub does); the MQTT.js path says it cannot', async () => {
    const args = ['-h', broker.host, '-p', String(broker.port), '-V', '5', '-P', 'secret', '-t', 'x', '-m', '1'];
    const quick = await run('tspub', args);
    assert.equal(quick.code, 0, quick.stderr);
    const reference = await run('mosquitto_pub', args);
    assert.equal(reference.code, 0, reference.stderr);
    const general = await run('tspub', args, { env: MQTTJS_PATH });
    assert.equal(general.code, 1);
    assert.match(general.stderr, /^tspub: a password \(-P\) without a username \(-u\) can only be sent by a one-shot tspub over plain TCP; add -u\n/);
  });
});

describe('"localhost" is the loopback address', { skip }, () => {
  test('a broker listening on ::1 only is reached, as a resolver would reach it', async () => {
    const port = broker.extraPorts[0]!;
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'quick/v6', '-C', '1']);
    const r = await run('tspub', ['-h', 'localhost', '-p', String(port), '-t', 'quick/v6', '-m', 'over ::1', '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await sub.done).stdout.toString(), 'over ::1\n');
  });
});

describe('the socket layer under the quick path', { skip }, () => {
  // NODE_DEBUG=net makes net.Socket log each connection on stderr: it shows which layer carried one.
  const publish = (env: NodeJS.ProcessEnv): Promise<Result> =>
    run('tspub', ['-h', broker.host, '-p', String(broker.port), '-t', 'quick/layer', '-m', '1', '-q', '1'], { env });

  test('by default libuv\'s TCP handle, not net.Socket', async () => {
    const r = await publish({ NODE_DEBUG: 'net' });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /^NET \d+:/m);
  });

  test('TSMQTT_QUICK_PUBLISH=net: net.Socket', async () => {
    const r = await publish({ NODE_DEBUG: 'net', ...QUICK_OVER_NET });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^NET \d+: createConnection/m);
  });

  test('under --pending-deprecation, where process.binding would warn, net.Socket and no warning', async () => {
    const quiet = await publish({ NODE_OPTIONS: '--pending-deprecation' });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
    const traced = await publish({ NODE_OPTIONS: '--pending-deprecation', NODE_DEBUG: 'net' });
    assert.match(traced.stderr, /^NET \d+: createConnection/m);
    assert.doesNotMatch(traced.stderr, /DEP0111|DeprecationWarning/);
  });

  test('under the permission model, which refuses process.binding: net.Socket', async () => {
    // Node 22.13 renamed the flag to --permission (Node 24 refuses the old name in NODE_OPTIONS),
    // and Node 25 put the network under the permission model too.
    const flags = process.allowedNodeEnvironmentFlags;
    const permission = flags.has('--permission') ? '--permission' : '--experimental-permission';
    const net = flags.has('--allow-net') ? ' --allow-net' : '';
    const r = await publish({ NODE_OPTIONS: `${permission}${net} --allow-fs-read=* --no-warnings`, NODE_DEBUG: 'net' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^NET \d+: createConnection/m);
  });
});
