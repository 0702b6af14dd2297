// Fault suite, slow part (run by `npm run test:interop`, not by `npm test`): a real mosquitto
// killed with SIGKILL and restarted, or frozen with SIGSTOP, while tspub and tssub work through it.
// What is guaranteed across a crash: nothing the broker acknowledged but had not saved (mosquitto
// saves every second here, autosave_interval 1), so the checks are on what the clients control:
// they come back, resend what was not acknowledged, end in bounded time with the documented code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAll, start, run, type Result, type Running } from '../helpers/cli.js';
import { hasCommand, startMosquitto, type InteropBroker } from '../interop/brokers.js';

const skip = hasCommand('mosquitto') ? false : 'mosquitto is not installed';

function at(b: InteropBroker): string[] {
  return ['-h', b.host, '-p', String(b.port)];
}

/** Waits for `predicate` on a running command's output, within `timeoutMs`. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** kill -9 of the broker, then the same broker (port, persistence file) started again. */
async function crashAndRestart(b: InteropBroker): Promise<void> {
  assert.ok(b.signal('SIGKILL'), 'the broker was running');
  await b.restart();
}

describe('broker kill -9 and restart during tspub -l -q 1 -c -i', { skip }, () => {
  let broker: InteropBroker;
  const lines = Array.from({ length: 300 }, (_, i) => `paced ${String(i).padStart(3, '0')}`);
  let pub: Result;
  let received: string[] = [];
  let pubEndedMs = 0;

  before(async () => {
    broker = await startMosquitto({ persistence: true });
    const observer = start('mosquitto_sub', [...at(broker), '-c', '-i', 'faults-observer', '-q', '1', '-t', 'faults/lines'], { timeoutMs: 60_000 });
    await broker.waitForSubacks(1);
    const publisher: Running = start('tspub', [...at(broker), '-c', '-i', 'faults-publisher', '-q', '1', '-t', 'faults/lines', '-l'], { timeoutMs: 60_000 });
    for (const [i, line] of lines.entries()) {
      publisher.child.stdin!.write(`${line}\n`);
      if (i === 150) await crashAndRestart(broker);
      // Paced input, as from a log being written: the pace is the point, not a wait for an event.
      await sleep(10);
    }
    publisher.child.stdin!.end();
    const t0 = performance.now();
    pub = await publisher.done;
    pubEndedMs = performance.now() - t0;
    const expectLast = lines.at(-1)!;
    await waitFor('the last line at the observer', () => observer.stdout().toString().includes(expectLast), 15_000).catch(() => {});
    observer.child.kill('SIGTERM');
    received = (await observer.done).stdout.toString().split('\n').filter(Boolean);
  });
  after(async () => {
    killAll();
    await broker?.stop();
  });

  test('tspub reconnects, finishes within 15 s of the end of input, exit 0', () => {
    assert.equal(pub.signal, null, `tspub was killed by the guard; stderr: ${pub.stderr}`);
    assert.ok(pubEndedMs < 15_000, `took ${Math.round(pubEndedMs)} ms after the end of input`);
    assert.equal(pub.code, 0, pub.stderr);
  });

  test('every line reaches the subscriber (duplicates allowed at QoS 1), in order of first arrival', () => {
    const firsts = [...new Set(received)];
    const missing = lines.filter((l) => !firsts.includes(l));
    assert.deepEqual(missing, [], `${missing.length} lines lost`);
    assert.deepEqual(firsts, lines);
  });

  test('tspub says once that the connection was lost, in its own words', () => {
    assert.doesNotMatch(pub.stderr, /^(read|write) E[A-Z]+/m, 'a raw socket error line');
    const lost = pub.stderr.split('\n').filter((l) => /lost|closed|reconnect/i.test(l));
    assert.ok(lost.length <= 2, `${lost.length} lines about the lost connection: ${pub.stderr}`);
  });
});

describe('broker kill -9 and restart during tssub -c -i', { skip }, () => {
  let broker: InteropBroker;
  let sub: Running;
  let got = '';
  let term: Result & { ms: number };

  before(async () => {
    broker = await startMosquitto({ persistence: true });
    sub = start('tssub', [...at(broker), ...(process.env['FAULTS_DEBUG'] ? ['-d'] : []), '-c', '-i', 'faults-sub', '-q', '1', '-t', 'faults/sub'], { timeoutMs: 60_000 });
    await broker.waitForSubacks(1);
    // The session must be on disk before the crash for the broker to know it afterwards; it is
    // saved every second, so this is a wait on the broker's clock.
    await sleep(1500);
    await crashAndRestart(broker);
    // tssub reconnects (1 s, then doubling). If the broker lost the session after all (saved too
    // late), tssub subscribes again, and only a message published after that SUBACK can reach it.
    await broker.waitForConnacks(2, 20_000);
    if (!broker.connacks()[1]) await broker.waitForSubacks(2, 10_000);
    const p = await run('mosquitto_pub', [...at(broker), '-q', '1', '-t', 'faults/sub', '-m', 'after restart']);
    assert.equal(p.code, 0, p.stderr);
    await waitFor('the message at tssub', () => sub.stdout().toString().includes('after restart'), 15_000).catch(() => {});
    got = sub.stdout().toString();
    if (process.env['FAULTS_DEBUG']) console.error(sub.stderr());
    const t0 = performance.now();
    sub.child.kill('SIGTERM');
    const guard = setTimeout(() => sub.child.kill('SIGKILL'), 3000);
    const r = await sub.done;
    clearTimeout(guard);
    term = { ...r, ms: performance.now() - t0 };
  });
  after(async () => {
    killAll();
    await broker?.stop();
  });

  test('tssub comes back and receives what is published after the restart', () => {
    assert.equal(got, 'after restart\n');
  });

  test('SIGTERM after the session resumed ends tssub within 1 s with exit 0', () => {
    assert.equal(term.signal, null, 'SIGTERM did not end it');
    assert.ok(term.ms < 1000, `${Math.round(term.ms)} ms`);
    assert.equal(term.code, 0, `exit ${term.code}; the man page keeps 143 for "before the connection was up"`);
  });

  test('one line for the lost connection, no raw socket error', () => {
    assert.doesNotMatch(term.stderr, /^(tssub: )?(read|write) E[A-Z]+/m, term.stderr);
  });
});

describe('broker frozen with SIGSTOP', { skip }, () => {
  let broker: InteropBroker;
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    broker?.signal('SIGCONT');
    killAll();
    await broker?.stop();
  });

  test('tspub --connect-timeout 2 against a frozen broker: exit 1 within 4 s, no answer to CONNECT', async () => {
    assert.ok(broker.signal('SIGSTOP'));
    try {
      const t0 = performance.now();
      const r = await run('tspub', [...at(broker), '-t', 'faults/frozen', '-m', 'x', '--connect-timeout', '2'], { timeoutMs: 8000 });
      const ms = performance.now() - t0;
      assert.equal(r.signal, null);
      assert.ok(ms < 4000, `${Math.round(ms)} ms`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^tspub: no answer to CONNECT from 127\.0\.0\.1:\d+ within 2 s/);
    } finally {
      broker.signal('SIGCONT');
    }
  });

  test('tssub -W 3 against a frozen broker: exit 27 within 5 s', async () => {
    assert.ok(broker.signal('SIGSTOP'));
    try {
      const t0 = performance.now();
      const r = await run('tssub', [...at(broker), '-t', 'faults/frozen', '-W', '3'], { timeoutMs: 8000 });
      assert.equal(r.signal, null);
      assert.ok(performance.now() - t0 < 5000);
      assert.equal(r.code, 27);
      assert.match(r.stderr, /^tssub: timed out after 3 s\n$/);
    } finally {
      broker.signal('SIGCONT');
    }
  });

  test('tssub carries on after a 2 s freeze and thaw (keepalive 5 s not exceeded)', async () => {
    const subacks = broker.subacks();
    const sub = start('tssub', [...at(broker), '-k', '5', '-q', '1', '-t', 'faults/thaw', '-C', '1', '-W', '20'], { timeoutMs: 25_000 });
    await broker.waitForSubacks(subacks + 1);
    assert.ok(broker.signal('SIGSTOP'));
    // The freeze has to last a while to mean anything: there is no event to wait for.
    await sleep(2000);
    assert.ok(broker.signal('SIGCONT'));
    const p = await run('mosquitto_pub', [...at(broker), '-q', '1', '-t', 'faults/thaw', '-m', 'thawed']);
    assert.equal(p.code, 0);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), 'thawed\n');
    assert.equal(r.stderr, '');
  });
});
