// tspub -l on long and slow streams: every line arrives, in order, exactly once, and reading
// follows the input as it comes. mosquitto_sub counts what the broker delivered.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { hasMosquitto, hasMosquittoClients } from '../helpers/broker.js';
import { at, run, start, subscriber, fileBroker } from '../helpers/cli.js';

const skip = !hasMosquitto || !hasMosquittoClients ? 'needs mosquitto and mosquitto-clients' : false;
const LONG = { timeoutMs: 100_000 };

const broker = fileBroker({}, skip);

/** Waits until `check` holds, polling; for events seen only in a child's output. */
async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** "1\n2\n...n\n" */
const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');

describe('-l streams', { skip }, () => {
  // Long streams: every line, in order, exactly once. 200,000 lines at QoS 1 wrap the 16-bit
  // packet id three times, where mosquitto_pub 2.0.11 stops delivering after 65,535.
  const streams: Array<[qos: number, lines: number, extra: string[]]> = [
    [0, 50_000, []],
    [1, 200_000, []],
    [2, 20_000, []],
    // MQTT 5: the broker's receive maximum (mosquitto: 20) caps a larger -M.
    [2, 20_000, ['-V', '5', '-M', '50']],
  ];
  for (const [index, [qos, lines, extra]] of streams.entries()) {
    test(`${lines.toLocaleString('en-US')} lines at QoS ${qos}${extra.length ? ` (${extra.join(' ')})` : ''}: all, in order`, { timeout: 100_000 }, async () => {
      const topic = `in/stream/${index}`;
      const sub = await subscriber(broker, 'mosquitto_sub', ['-t', topic, '-C', String(lines), '-W', '100'], LONG);
      const pub = await run('tspub', [...at(broker), '-t', topic, '-l', '-q', String(qos), ...extra], { input: numbered(lines), ...LONG });
      assert.equal(pub.code, 0, pub.stderr);
      assert.equal(pub.stderr, '');
      const r = await sub.done;
      assert.equal(r.code, 0, `mosquitto_sub: ${r.stderr}`);
      const got = r.stdout.toString();
      if (got !== numbered(lines)) {
        const received = got.split('\n').length - 1;
        assert.fail(`received ${received} lines; first difference at byte ${[...got].findIndex((c, i) => c !== numbered(lines)[i])}`);
      }
    });
  }

  test('a slow producer: each line is published as it arrives, not at EOF', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'in/slow', '-C', '3', '-W', '30']);
    const pub = start('tspub', [...at(broker), '-t', 'in/slow', '-l', '-q', '1'], { timeoutMs: 40_000 });
    for (const [i, line] of ['first', 'second', 'third'].entries()) {
      pub.child.stdin!.write(`${line}\n`);
      // The line must reach the subscriber while stdin is still open.
      await waitFor(() => sub.stdout().toString().split('\n').length - 1 === i + 1, `line ${i + 1} to arrive`);
    }
    pub.child.stdin!.end();
    const r = await pub.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await sub.done).stdout.toString(), 'first\nsecond\nthird\n');
  });

  test('SIGINT while waiting for input: what was sent is acknowledged, then exit 130', async () => {
    const sub = await subscriber(broker, 'mosquitto_sub', ['-t', 'in/int', '-C', '2', '-W', '30']);
    const pub = start('tspub', [...at(broker), '-t', 'in/int', '-l', '-q', '1'], { timeoutMs: 40_000 });
    pub.child.stdin!.write('a\nb\n');
    await waitFor(() => sub.stdout().toString() === 'a\nb\n', 'both lines to arrive');
    pub.child.kill('SIGINT');
    const r = await pub.done;
    assert.equal(r.code, 130);
    assert.equal(r.stderr, 'tspub: interrupted by SIGINT: 2 messages sent and acknowledged; the rest of the input was not read\n');
  });
});
