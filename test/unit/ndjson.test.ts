import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import { encodeBytes, jsonLine } from '../../src/output/ndjson.js';

const AT = new Date(Date.UTC(2026, 10, 27, 0, 17, 36, 141));
function msg(payload: Buffer | string, extra: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return { topic: 'fmt/topic', payload: Buffer.from(payload), qos: 0, retain: false, dup: false, messageId: 0, ...extra };
}
const line = (m: ReceivedMessage): string => jsonLine(m, AT).toString('utf8');

describe('--json: one lossless JSON object per line', () => {
  test('text payload, QoS 0: mid is null, timestamp ISO-8601 UTC with milliseconds', () => {
    assert.equal(
      line(msg('hello "world"\ttab\\back')),
      '{"topic":"fmt/topic","qos":0,"retain":false,"dup":false,"mid":null,"received":"2026-11-27T00:17:36.141Z","encoding":"utf8","payload":"hello \\"world\\"\\ttab\\\\back"}\n',
    );
  });
  test('QoS 1, retained, duplicate: flags as booleans, the message id', () => {
    const o = JSON.parse(line(msg('q', { qos: 1, retain: true, dup: true, messageId: 7 })));
    assert.deepEqual([o.qos, o.retain, o.dup, o.mid], [1, true, true, 7]);
  });
  test('binary payload: base64 with encoding "base64", bytes intact', () => {
    const bytes = Buffer.from([0x62, 0x69, 0x6e, 0x00, 0x01, 0xff, 0x0a]);
    const o = JSON.parse(line(msg(bytes)));
    assert.equal(o.encoding, 'base64');
    assert.equal(o.payload, 'YmluAAH/Cg==');
    assert.deepEqual(Buffer.from(o.payload, o.encoding), bytes);
  });
  test('every byte value round-trips', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const o = JSON.parse(line(msg(bytes)));
    assert.deepEqual(Buffer.from(o.payload, o.encoding), bytes);
  });
  test('valid UTF-8 with NUL, control characters and a BOM stays text and round-trips', () => {
    const bytes = Buffer.from('\uFEFFa\u0000b\u0001é 日本 🙂', 'utf8');
    const o = JSON.parse(line(msg(bytes)));
    assert.equal(o.encoding, 'utf8');
    assert.deepEqual(Buffer.from(o.payload, o.encoding), bytes);
  });
  test('an empty payload is an empty string', () => {
    const o = JSON.parse(line(msg('')));
    assert.deepEqual([o.encoding, o.payload], ['utf8', '']);
  });
  test('one line: newlines in topic or payload are escaped', () => {
    const text = line(msg('a\nb', { topic: 'x\ny' }));
    assert.equal(text.indexOf('\n'), text.length - 1);
  });
  test('MQTT 5 properties: fixed order, stable types, user properties as pairs, correlation data lossless', () => {
    const m = msg('message', {
      qos: 1,
      messageId: 1,
      properties: {
        userProperties: { k1: ['v1', 'v2'], k2: 'v3' },
        contentType: 'text/plain',
        correlationData: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        messageExpiryInterval: 3600,
        payloadFormatIndicator: true,
        responseTopic: 'resp/t',
        subscriptionIdentifier: 42,
        topicAlias: 3,
      },
    });
    assert.equal(
      line(m),
      '{"topic":"fmt/topic","qos":1,"retain":false,"dup":false,"mid":1,"received":"2026-11-27T00:17:36.141Z",' +
        '"properties":{"payloadFormatIndicator":1,"messageExpiryInterval":3600,"contentType":"text/plain","responseTopic":"resp/t",' +
        '"correlationData":{"encoding":"base64","data":"3q2+7w=="},"subscriptionIdentifiers":[42],"topicAlias":3,' +
        '"userProperties":[["k1","v1"],["k1","v2"],["k2","v3"]]},"encoding":"utf8","payload":"message"}\n',
    );
  });
  test('several subscription identifiers stay a list; text correlation data stays readable', () => {
    const o = JSON.parse(line(msg('x', { properties: { subscriptionIdentifier: [1, 2], correlationData: Buffer.from('corr123') } })));
    assert.deepEqual(o.properties, { correlationData: { encoding: 'utf8', data: 'corr123' }, subscriptionIdentifiers: [1, 2] });
  });
  test('payload format indicator 0 is kept', () => {
    assert.deepEqual(JSON.parse(line(msg('x', { properties: { payloadFormatIndicator: false } }))).properties, { payloadFormatIndicator: 0 });
  });
  test('--pretty: indented, still ending with one newline', () => {
    const text = jsonLine(msg('x'), AT, true).toString();
    assert.match(text, /^\{\n  "topic": "fmt\/topic",\n/);
    assert.ok(text.endsWith('}\n'));
  });
  test('encodeBytes: Node encoding names, so Buffer.from(data, encoding) inverts it', () => {
    assert.deepEqual(encodeBytes(Buffer.from([0xc3, 0x28])), { encoding: 'base64', data: 'wyg=' });
    assert.deepEqual(encodeBytes(Buffer.from('ok')), { encoding: 'utf8', data: 'ok' });
  });
});
