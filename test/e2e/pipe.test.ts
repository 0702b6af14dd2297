// Pipe hygiene: a reader that goes away ends tssub quietly with exit 0 (after a DISCONNECT), a
// SIGPIPE changes nothing, and a slow reader slows tssub down all the way back to the broker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients } from '../helpers/broker.js';
import { at, run, subscriber, fileBroker } from '../helpers/cli.js';

/** The machine may be loaded (other suites run beside this one): generous limits, never sleeps. */
const SLOW = { timeoutMs: 120_000 };

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * How many messages of `size` bytes tssub may have written, and so acknowledged, while nobody
 * reads its stdout: what the connection to this process holds (Node's stdio pipes are unix
 * socket pairs: a send and a receive buffer), this process's paused stream (its highWaterMark,
 * 16 KiB on Node 20 and 64 KiB from Node 22, plus one read of 64 KiB), tssub's batch being
 * written (64 KiB at most), and the broker's in-flight window (mosquitto: 20).
 */
function heldBetween(readerHighWaterMark: number, size: number): number {
  const buffer = (name: string): number => {
    try {
      return Number(readFileSync(`/proc/sys/net/core/${name}`, 'utf8'));
    } catch {
      return 212_992;
    }
  };
  const bytes = buffer('wmem_default') + buffer('rmem_default') + readerHighWaterMark + 2 * 65_536;
  return Math.ceil(bytes / size) + 20;
}

const broker = fileBroker();

async function pub(args: string[]): Promise<void> {
  const r = await run('tspub', [...at(broker), ...args]);
  assert.equal(r.code, 0, r.stderr);
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the reader goes away (EPIPE)', () => {
  for (const qos of ['0', '1']) {
    test(`QoS ${qos}: the next message disconnects, exit 0, nothing on stderr`, async () => {
      const id = `tsmqtt-epipe-${qos}`;
      const sub = await subscriber(broker, 'tssub', ['-t', `epipe/${qos}`, '-q', qos, '-i', id, '-v'], SLOW);
      await pub(['-t', `epipe/${qos}`, '-m', 'first', '-q', qos]);
      await until(() => sub.stdout().toString() === `epipe/${qos} first\n`, 'the first line');
      sub.child.stdout!.destroy();
      await pub(['-t', `epipe/${qos}`, '-m', 'second', '-q', qos]);
      const r = await sub.done;
      assert.equal(r.code, 0);
      assert.equal(r.signal, null);
      assert.equal(r.stderr, '');
      if (broker.kind === 'mosquitto') assert.match(broker.log(), new RegExp(`Received DISCONNECT from ${id}`));
    });
  }

  test("tssub -v | head -1 in a shell: head's line, then exit 0 and no stack trace", async () => {
    const tssub = [process.execPath, join(ROOT, 'bin', 'tssub.js'), ...at(broker), '-t', 'epipe/head', '-v'];
    const script = `${tssub.map((a) => `'${a}'`).join(' ')} | head -1; echo "tssub exit \${PIPESTATUS[0]}" >&2`;
    const subacks = broker.subackCount();
    const shell = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] } });
    let out = '';
    let err = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const closed = new Promise<number | null>((r) => shell.on('close', r));
    try {
      await broker.waitForSubacks(subacks + 1, 15_000);
      await pub(['-t', 'epipe/head', '-m', 'first']);
      await until(() => out === 'epipe/head first\n', "head's line");
      // head has exited once it printed its line; the next write meets a closed pipe.
      await pub(['-t', 'epipe/head', '-m', 'second']);
      assert.equal(await closed, 0);
      assert.equal(out, 'epipe/head first\n');
      assert.equal(err, 'tssub exit 0\n');
    } finally {
      shell.kill('SIGKILL');
    }
  });
});

describe('SIGPIPE', () => {
  test('is ignored: no death, no stack trace; the run goes on', async () => {
    const sub = await subscriber(broker, 'tssub', ['-t', 'sigpipe/x', '-C', '1', '-W', '60'], SLOW);
    sub.child.kill('SIGPIPE');
    await pub(['-t', 'sigpipe/x', '-m', 'still here']);
    const r = await sub.done;
    assert.equal(r.signal, null);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 'still here\n');
    assert.equal(r.stderr, '');
  });
});

describe('a slow reader slows tssub down, back to the broker', { skip: !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto (its log) and mosquitto_pub -l' : false }, () => {
  test('QoS 1: while stdout is not read, tssub stops acknowledging; what it acknowledged, it printed, in order', async () => {
    const id = 'tsmqtt-slow-reader';
    const total = 3000;
    const sub = await subscriber(broker, 'tssub', ['-t', 'slow/x', '-q', '1', '-i', id], SLOW);
    sub.child.stdout!.pause();
    const lines = Array.from({ length: total }, (_, i) => `${String(i).padStart(5, '0')}${'x'.repeat(995)}`);
    const p = await run('mosquitto_pub', [...at(broker), '-t', 'slow/x', '-q', '1', '-l'], { input: `${lines.join('\n')}\n`, timeoutMs: 60_000 });
    assert.equal(p.code, 0, p.stderr);
    // The broker's own word that it can no longer deliver to tssub: its queue for it is full.
    await until(() => broker.log().includes(`Outgoing messages are being dropped for client ${id}`), 'the broker to drop messages for tssub');
    const acked = (): number => broker.log().split(`Received PUBACK from ${id}`).length - 1;
    const whilePaused = acked();
    assert.ok(whilePaused < heldBetween(sub.child.stdout!.readableHighWaterMark, 1000), `${whilePaused} of ${total} acknowledged while nobody read stdout`);

    sub.child.kill('SIGTERM');
    sub.child.stdout!.resume();
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    const printed = r.stdout.toString().split('\n').filter(Boolean);
    assert.deepEqual(printed, lines.slice(0, printed.length), 'a prefix of what was published, in order and intact');
    assert.ok(acked() <= printed.length, `acknowledged ${acked()}, printed ${printed.length}`);
  });
});

describe('a reader that stalls for longer than the keepalive', { skip: !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto (its log) and mosquitto_pub -l' : false }, () => {
  test('-k 5, stdout unread for four PINGREQ intervals: the connection survives, nothing is lost', async () => {
    const id = 'tsmqtt-stalled-reader';
    const total = 500;
    const sub = await subscriber(broker, 'tssub', ['-t', 'stall/x', '-q', '1', '-i', id, '-k', '5', '-C', String(total), '-W', '120'], SLOW);
    sub.child.stdout!.pause();
    const lines = Array.from({ length: total }, (_, i) => `${String(i).padStart(5, '0')}${'x'.repeat(995)}`);
    const p = await run('mosquitto_pub', [...at(broker), '-t', 'stall/x', '-q', '1', '-l'], { input: `${lines.join('\n')}\n`, timeoutMs: 60_000 });
    assert.equal(p.code, 0, p.stderr);
    // MQTT.js alone would time out after 7.5 s of unread PINGRESPs; four PINGREQs take 10 s.
    const pings = (): number => broker.log().split(`Received PINGREQ from ${id}`).length - 1;
    await until(() => pings() >= 4, 'four PINGREQs from the stalled tssub', 60_000);
    sub.child.stdout!.resume();
    const r = await sub.done;
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), `${lines.join('\n')}\n`);
  });
});
