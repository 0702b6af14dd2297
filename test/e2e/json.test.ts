// tssub --json against a real broker: every message published comes back, byte for byte, from
// the JSON line: text, binary, empty, flags, message ids and MQTT 5 properties (published with
// mosquitto_pub -V 5 -D publish ...).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { hasMosquittoClients } from '../helpers/broker.js';
import { at, run, subscriber, fileBroker } from '../helpers/cli.js';

/** The machine may be loaded (other suites run beside this one): generous limits, never sleeps. */
const SLOW = { timeoutMs: 120_000 };

const broker = fileBroker();

const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface JsonMessage {
  topic: string;
  qos: number;
  retain: boolean;
  dup: boolean;
  mid: number | null;
  received: string;
  properties?: Record<string, unknown>;
  encoding: 'utf8' | 'base64';
  payload: string;
}

function parseLines(stdout: Buffer): JsonMessage[] {
  const text = stdout.toString('utf8');
  assert.ok(text.endsWith('\n'), 'NDJSON ends with a newline');
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as JsonMessage);
}

describe('--json round trip', () => {
  test('text, binary, empty and every byte value: the bytes published are the bytes decoded', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const payloads: Array<[string, Buffer]> = [
      ['j/text', Buffer.from('hello "world"\ttab\\back é 日本')],
      ['j/binary', Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0xff, 0x0a])],
      ['j/empty', Buffer.alloc(0)],
      ['j/all-bytes', all],
      ['j/nul-text', Buffer.from('a\u0000b\n', 'utf8')],
    ];
    const started = new Date();
    const sub = await subscriber(broker, 'tssub', ['-t', 'j/#', '--json', '-C', String(payloads.length), '-W', '60'], SLOW);
    for (const [topic, payload] of payloads) {
      const source = payload.length === 0 ? ['-n'] : ['-s'];
      const p = await run('tspub', [...at(broker), '-t', topic, ...source], { input: payload });
      assert.equal(p.code, 0, p.stderr);
    }
    const r = await sub.done;
    const ended = new Date();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const messages = parseLines(r.stdout);
    assert.deepEqual(messages.map((m) => m.topic), payloads.map(([t]) => t));
    for (const [i, m] of messages.entries()) {
      assert.deepEqual(Buffer.from(m.payload, m.encoding), payloads[i]![1], m.topic);
      assert.deepEqual([m.qos, m.retain, m.dup, m.mid], [0, false, false, null], m.topic);
      assert.match(m.received, ISO_UTC_MS);
      const at_ = Date.parse(m.received);
      assert.ok(at_ >= started.getTime() - 1 && at_ <= ended.getTime() + 1, `${m.received} within the run`);
      assert.equal('properties' in m, false);
    }
    assert.deepEqual(messages.map((m) => m.encoding), ['utf8', 'base64', 'utf8', 'base64', 'utf8']);
  });

  test('QoS 1 and retain: the message id and the retain flag', async () => {
    const set = await run('tspub', [...at(broker), '-t', 'jq/r', '-m', 'kept', '-r', '-q', '1']);
    assert.equal(set.code, 0, set.stderr);
    const sub = await subscriber(broker, 'tssub', ['-t', 'jq/#', '-q', '1', '--json', '-C', '2', '-W', '60'], SLOW);
    const p = await run('tspub', [...at(broker), '-t', 'jq/live', '-m', 'now', '-q', '1']);
    assert.equal(p.code, 0, p.stderr);
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    const [stale, live] = parseLines(r.stdout);
    assert.deepEqual([stale!.topic, stale!.retain, stale!.qos, stale!.payload], ['jq/r', true, 1, 'kept']);
    assert.deepEqual([live!.topic, live!.retain, live!.qos, live!.payload], ['jq/live', false, 1, 'now']);
    assert.ok(Number.isInteger(stale!.mid) && stale!.mid! >= 1 && stale!.mid! <= 65535);
    assert.notEqual(live!.mid, stale!.mid);
    await run('tspub', [...at(broker), '-t', 'jq/r', '-n', '-r', '-q', '1']);
  });

  test('MQTT 5 properties, user properties as pairs, correlation data lossless', { skip: !hasMosquittoClients ? 'needs mosquitto_pub -D' : false }, async () => {
    const sub = await subscriber(broker, 'tssub', ['-V', '5', '-t', 'j5/#', '-q', '1', '--json', '-C', '2', '-W', '60'], SLOW);
    const props = [
      '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'correlation-data', 'corr123',
      '-D', 'publish', 'message-expiry-interval', '3600',
      '-D', 'publish', 'payload-format-indicator', '1',
      '-D', 'publish', 'response-topic', 'resp/t',
      '-D', 'publish', 'user-property', 'k1', 'v1',
      '-D', 'publish', 'user-property', 'k1', 'v2',
      '-D', 'publish', 'user-property', 'k2', 'v3',
    ];
    const p = await run('mosquitto_pub', [...at(broker), '-V', '5', '-q', '1', '-t', 'j5/props', '-m', 'message', ...props]);
    assert.equal(p.code, 0, p.stderr);
    // Correlation data is binary: bytes that are not UTF-8 must come back intact too. A shell
    // puts them into the argument (Node would encode a string argument as UTF-8).
    execFileSync('sh', ['-c', `mosquitto_pub -h ${broker.host} -p ${broker.port} -V 5 -q 1 -t j5/bin -s -D publish correlation-data "$(printf '\\377\\376A')"`], {
      input: Buffer.from([0x00, 0xff]),
      env: { PATH: process.env['PATH'] },
    });
    const r = await sub.done;
    assert.equal(r.code, 0, r.stderr);
    const [text, binary] = parseLines(r.stdout);
    const expiry = text!.properties!['messageExpiryInterval'] as number;
    // The broker forwards the remaining lifetime: at most what was published.
    assert.ok(expiry <= 3600 && expiry > 3500, String(expiry));
    assert.deepEqual(text!.properties, {
      payloadFormatIndicator: 1,
      messageExpiryInterval: expiry,
      contentType: 'text/plain',
      responseTopic: 'resp/t',
      correlationData: { encoding: 'utf8', data: 'corr123' },
      userProperties: [['k1', 'v1'], ['k1', 'v2'], ['k2', 'v3']],
    });
    assert.deepEqual([text!.encoding, text!.payload], ['utf8', 'message']);
    const correlation = binary!.properties!['correlationData'] as { encoding: BufferEncoding; data: string };
    assert.equal(correlation.encoding, 'base64');
    assert.deepEqual(Buffer.from(correlation.data, correlation.encoding), Buffer.from([0xff, 0xfe, 0x41]));
    assert.deepEqual(Buffer.from(binary!.payload, binary!.encoding), Buffer.from([0x00, 0xff]));
  });
});
