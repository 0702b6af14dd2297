// The -l encoder against an independent decoder: mqtt-packet, the parser MQTT.js itself uses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { encodePubrel, PublishEncoder } from '../../src/core/packets.js';
import { parseProperties } from '../../src/core/properties.js';

function decode(bytes: Buffer, protocolVersion: 4 | 5): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: mqttPacket.Packet[] = [];
  parser.on('packet', (p: mqttPacket.Packet) => packets.push(p));
  parser.on('error', (err: Error) => {
    throw err;
  });
  parser.parse(bytes);
  return packets;
}

describe('PUBLISH encoding', () => {
  for (const qos of [0, 1, 2] as const) {
    test(`MQTT 3.1.1, QoS ${qos}, retain, payload sizes around the varint steps`, () => {
      const encoder = new PublishEncoder('a/topic', qos, true, 4);
      for (const size of [0, 1, 116, 117, 118, 16375, 16400, 2_097_200]) {
        const payload = Buffer.alloc(size, 0x5a);
        const bytes = Buffer.alloc(encoder.size(size));
        assert.equal(encoder.encodeInto(bytes, 0, 4242, payload), bytes.length);
        const [packet] = decode(bytes, 4) as mqttPacket.IPublishPacket[];
        assert.equal(packet!.cmd, 'publish');
        assert.equal(packet!.topic, 'a/topic');
        assert.equal(packet!.qos, qos);
        assert.equal(packet!.retain, true);
        assert.equal(packet!.messageId, qos > 0 ? 4242 : undefined);
        assert.ok(Buffer.from(packet!.payload).equals(payload), `payload of ${size} bytes`);
      }
    });
  }
  test('MQTT 5 with every publish property, from -D words', () => {
    const properties = parseProperties([
      ['publish', 'payload-format-indicator', '1'],
      ['publish', 'message-expiry-interval', '3600'],
      ['publish', 'content-type', 'text/plain'],
      ['publish', 'response-topic', 'resp/t'],
      ['publish', 'correlation-data', 'corr'],
      ['publish', 'topic-alias', '7'],
      ['publish', 'user-property', 'k1', 'v1'],
      ['publish', 'user-property', 'k2', 'v2'],
      ['publish', 'user-property', 'k1', 'v3'],
    ]).publish;
    const encoder = new PublishEncoder('t/é', 1, false, 5, properties);
    const bytes = Buffer.alloc(encoder.size(5));
    encoder.encodeInto(bytes, 0, 1, Buffer.from('hello'));
    const [packet] = decode(bytes, 5) as mqttPacket.IPublishPacket[];
    assert.equal(packet!.topic, 't/é');
    assert.equal(packet!.payload.toString(), 'hello');
    assert.deepEqual({ ...packet!.properties, userProperties: { ...packet!.properties!.userProperties } }, {
      payloadFormatIndicator: true,
      messageExpiryInterval: 3600,
      contentType: 'text/plain',
      responseTopic: 'resp/t',
      correlationData: Buffer.from('corr'),
      topicAlias: 7,
      userProperties: { k1: ['v1', 'v3'], k2: 'v2' },
    });
  });
  test('MQTT 5 without properties still carries an empty property section', () => {
    const encoder = new PublishEncoder('t', 0, false, 5);
    const bytes = Buffer.alloc(encoder.size(1));
    encoder.encodeInto(bytes, 0, 0, Buffer.from('x'));
    assert.deepEqual([...bytes], [0x30, 5, 0, 1, 0x74, 0, 0x78]);
  });
  test('a payload taken from part of a larger buffer', () => {
    const encoder = new PublishEncoder('t', 0, false, 4);
    const source = Buffer.from('..line..');
    const bytes = Buffer.alloc(encoder.size(4));
    encoder.encodeInto(bytes, 0, 0, source, 2, 6);
    assert.equal((decode(bytes, 4)[0] as mqttPacket.IPublishPacket).payload.toString(), 'line');
  });
  test('payloads around the byte-by-byte copy (32 bytes), from inside a larger buffer, after other packets', () => {
    for (const qos of [0, 1] as const) {
      const encoder = new PublishEncoder('some/topic', qos, false, 4);
      const sizes = [0, 1, 31, 32, 33, 34, 64, 500];
      const source = Buffer.from(Array.from({ length: 600 }, (_, i) => i % 251));
      const bytes = Buffer.alloc(sizes.reduce((sum, n) => sum + encoder.size(n), 0));
      let offset = 0;
      sizes.forEach((n, i) => (offset = encoder.encodeInto(bytes, offset, 256 + i, source, 7, 7 + n)));
      assert.equal(offset, bytes.length);
      const packets = decode(bytes, 4) as mqttPacket.IPublishPacket[];
      assert.deepEqual(packets.map((p) => Buffer.from(p.payload)), sizes.map((n) => source.subarray(7, 7 + n)));
      assert.deepEqual(packets.map((p) => p.messageId), qos ? sizes.map((_, i) => 256 + i) : sizes.map(() => undefined));
    }
  });
  test('packets written back to back decode one by one', () => {
    const encoder = new PublishEncoder('t', 1, false, 4);
    const bytes = Buffer.alloc(encoder.size(1) * 3);
    let offset = 0;
    for (const id of [65535, 1, 2]) offset = encoder.encodeInto(bytes, offset, id, Buffer.from(String(id % 10)));
    assert.deepEqual(decode(bytes, 4).map((p) => (p as mqttPacket.IPublishPacket).messageId), [65535, 1, 2]);
  });
});

test('the largest payload leaves room for topic, packet id and properties in 268,435,455 bytes', () => {
  assert.equal(new PublishEncoder('t', 0, false, 4).maxPayload, 268_435_455 - 3);
  assert.equal(new PublishEncoder('t', 1, false, 4).maxPayload, 268_435_455 - 5);
  assert.equal(new PublishEncoder('t', 1, false, 5, { contentType: 'ab' }).maxPayload, 268_435_455 - 5 - 1 - 5);
});

test('PUBREL', () => {
  const [packet] = decode(encodePubrel(0x1234), 4);
  assert.equal(packet!.cmd, 'pubrel');
  assert.equal((packet as mqttPacket.IPubrelPacket).messageId, 0x1234);
});
