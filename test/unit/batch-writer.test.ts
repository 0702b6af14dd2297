import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { BatchWriter } from '../../src/core/batch-writer.js';

/** A socket stand-in that records each write and completes it when told to. */
class SlowSocket extends Writable {
  readonly writes: Buffer[] = [];
  readonly pending: Array<() => void> = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.writes.push(Buffer.from(chunk));
    this.pending.push(done);
  }
  completeAll(): void {
    while (this.pending.length > 0) this.pending.shift()!();
  }
}

function put(writer: BatchWriter, text: string): void {
  const bytes = Buffer.from(text);
  const target = writer.reserve(bytes.length);
  writer.commit(writer.offset + bytes.copy(target, writer.offset));
}

describe('BatchWriter', () => {
  test('what is put between flushes is one write, in order', () => {
    const socket = new SlowSocket({ highWaterMark: 1 << 20 });
    const writer = new BatchWriter(socket, 16);
    put(writer, 'ab');
    put(writer, 'cd');
    writer.flush();
    writer.flush();
    put(writer, 'e');
    writer.flush();
    socket.completeAll();
    assert.deepEqual(socket.writes.map(String), ['abcd', 'e']);
    // The line stream asks whether the socket filled up only when this count moved.
    assert.equal(writer.writes, 2);
  });
  test('a full slab is flushed first; a packet larger than a slab gets its own buffer', () => {
    const socket = new SlowSocket({ highWaterMark: 1 << 20 });
    const writer = new BatchWriter(socket, 8);
    put(writer, '12345');
    put(writer, '6789');
    put(writer, 'a-long-packet');
    put(writer, 'z');
    writer.flush();
    while (socket.pending.length > 0) socket.completeAll();
    assert.deepEqual(socket.writes.map(String), ['12345', '6789', 'a-long-packet', 'z']);
  });
  test('a slab is reused only once the socket has finished writing from it', () => {
    const socket = new SlowSocket({ highWaterMark: 1 << 20 });
    const writer = new BatchWriter(socket, 4);
    const slabs: Buffer[] = [];
    const putAndFlush = (text: string): void => {
      slabs.push(writer.reserve(4));
      put(writer, text);
      writer.flush();
    };
    putAndFlush('AAAA');
    putAndFlush('BBBB');
    putAndFlush('CCCC');
    // Nothing written yet: three distinct slabs.
    assert.equal(new Set(slabs).size, 3);
    while (socket.pending.length > 0) socket.completeAll();
    putAndFlush('DDDD');
    assert.ok(slabs.slice(0, 3).includes(slabs[3]!), 'a finished slab is reused');
    while (socket.pending.length > 0) socket.completeAll();
    assert.deepEqual(socket.writes.map(String), ['AAAA', 'BBBB', 'CCCC', 'DDDD']);
  });
});
