// What a kept session brings in one burst: tssub reads it many messages at a time, prints them
// in order and acknowledges only what it printed, whichever path (its own or MQTT.js's) a
// packet takes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, fileBroker, run } from '../helpers/cli.js';

const broker = fileBroker();

const lines = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe('a burst from a kept session', () => {
  test('QoS 1, -C in the middle of a read: exactly that many printed; the rest, unacknowledged, comes next time', async () => {
    const id = 'tsmqtt-burst-q1';
    const topic = 'burst/q1';
    const sub = ['-t', topic, '-q', '1', '-c', '-i', id];
    assert.equal((await run('tssub', [...at(broker), ...sub, '-E'])).code, 0);
    const p = await run('tspub', [...at(broker), '-t', topic, '-q', '1', '-l'], { input: `${lines(1, 900).join('\n')}\n` });
    assert.equal(p.code, 0, p.stderr);
    const first = await run('tssub', [...at(broker), ...sub, '-C', '600', '-W', '30']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.toString(), `${lines(1, 600).join('\n')}\n`);
    const rest = await run('tssub', [...at(broker), ...sub, '-C', '300', '-W', '30']);
    assert.equal(rest.code, 0, rest.stderr);
    assert.equal(rest.stdout.toString(), `${lines(601, 900).join('\n')}\n`);
    const none = await run('tssub', [...at(broker), ...sub, '-W', '1']);
    assert.equal(none.code, 27, 'nothing left: every printed message was acknowledged');
    assert.equal(none.stdout.length, 0);
  });

  // Those with properties are MQTT.js's to parse, the others tssub's own.
  test('MQTT 5: messages with and without properties come out in the order sent', async (t) => {
    if (broker.kind === 'aedes') {
      t.skip('the embedded aedes broker speaks MQTT 3.1.1 only');
      return;
    }
    const id = 'tsmqtt-burst-v5';
    const topic = 'burst/v5';
    const sub = ['-V', '5', '-t', topic, '-q', '1', '-c', '-x', '60', '-i', id];
    assert.equal((await run('tssub', [...at(broker), ...sub, '-E'])).code, 0);
    const sent: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const props = i % 3 === 0 ? ['-D', 'publish', 'content-type', 'text/x'] : [];
      const p = await run('tspub', [...at(broker), '-V', '5', '-t', topic, '-q', '1', '-m', `m${i}`, ...props]);
      assert.equal(p.code, 0, p.stderr);
      sent.push(`m${i}${props.length ? ' text/x' : ''}`);
    }
    const back = await run('tssub', [...at(broker), ...sub, '-C', '12', '-W', '30', '-F', '%p %C']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(back.stdout.toString().split('\n').slice(0, -1).map((l) => l.trimEnd()), sent);
  });
});
