// The interop relay's framer: it must find every packet however TCP splits the stream, or the
// suite would wait on a SUBACK it already missed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { PacketFramer } from '../interop/relay.js';

function stream(): Buffer {
  return Buffer.concat([
    mqttPacket.generate({ cmd: 'connack', sessionPresent: true, returnCode: 0 }),
    mqttPacket.generate({ cmd: 'suback', messageId: 1, granted: [1] }),
    mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(70_000, 7), qos: 0, dup: false, retain: false }),
    mqttPacket.generate({ cmd: 'pingresp' }),
    mqttPacket.generate({ cmd: 'suback', messageId: 2, granted: [0] }),
  ]);
}
const expected = [[2, 1], [9, 0], [3, 0], [13, undefined], [9, 0]];

test('whole stream in one chunk', () => {
  const seen: [number, number | undefined][] = [];
  new PacketFramer((t, b) => seen.push([t, b])).push(stream());
  assert.deepEqual(seen, expected);
});

test('stream split at every possible size from 1 to 9 bytes', () => {
  const all = stream();
  for (let size = 1; size <= 9; size++) {
    const seen: [number, number | undefined][] = [];
    const framer = new PacketFramer((t, b) => seen.push([t, b]));
    for (let i = 0; i < all.length; i += size) framer.push(all.subarray(i, i + size));
    assert.deepEqual(seen, expected, `chunks of ${size}`);
  }
});

test('a length field longer than 4 bytes stops the framer instead of misreading', () => {
  const seen: number[] = [];
  const framer = new PacketFramer((t) => seen.push(t));
  framer.push(Buffer.from([0x90, 0xff, 0xff, 0xff, 0xff, 0x01, 0x90, 0x02, 0, 1]));
  assert.deepEqual(seen, []);
});
