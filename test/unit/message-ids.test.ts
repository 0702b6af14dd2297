import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PacketIdAllocator } from '../../src/core/session/message-ids.js';

describe('packet ids for long streams', () => {
  test('ids start at 1, go up, and wrap from 65535 to 1', () => {
    const ids = new PacketIdAllocator();
    for (let expected = 1; expected <= 65535; expected++) {
      const id = ids.allocate();
      assert.equal(id, expected);
      ids.deallocate(id!);
    }
    assert.equal(ids.allocate(), 1);
  });
  test('an id still awaiting its acknowledgement is never handed out again', () => {
    const ids = new PacketIdAllocator();
    const held = ids.allocate(); // 1, never acknowledged
    for (let i = 0; i < 200_000; i++) {
      const id = ids.allocate();
      assert.notEqual(id, held);
      ids.deallocate(id!);
    }
    assert.equal(ids.inFlight, 1);
  });
  test('when every id is in flight there is none to give (MQTT.js then waits)', () => {
    const ids = new PacketIdAllocator();
    for (let i = 0; i < 65535; i++) assert.notEqual(ids.allocate(), null);
    assert.equal(ids.allocate(), null);
    ids.deallocate(300);
    assert.equal(ids.allocate(), 300);
  });
  test('register claims a given id; clear frees all', () => {
    const ids = new PacketIdAllocator();
    assert.equal(ids.register(5), true);
    assert.equal(ids.register(5), false);
    assert.equal(ids.register(0), false);
    ids.clear();
    assert.equal(ids.inFlight, 0);
    assert.equal(ids.register(5), true);
  });
});
