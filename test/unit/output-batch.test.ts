import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { OutputBatch } from '../../src/output/batch.js';

/** stdout stand-in: records each write; with a small high-water mark, says when it is full. */
class Out extends Writable {
  readonly writes: string[] = [];
  readonly pending: Array<() => void> = [];
  constructor(highWaterMark = 1 << 20, private readonly hold = false) {
    super({ highWaterMark });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString());
    if (this.hold) this.pending.push(done);
    else done();
  }
}

describe('OutputBatch', () => {
  test('what is added between flushes is one write, in order; an empty flush writes nothing', () => {
    const out = new Out();
    const batch = new OutputBatch(out, 64);
    assert.equal(batch.add(Buffer.from('a\n')), undefined);
    assert.equal(batch.add(Buffer.from('b\n')), undefined);
    assert.deepEqual(out.writes, []);
    assert.equal(batch.flush(), undefined);
    assert.equal(batch.flush(), undefined);
    assert.deepEqual(out.writes, ['a\nb\n']);
  });

  test('a batch that reaches the limit is written at once; a message as large is written on its own, after the batch', () => {
    const out = new Out();
    const batch = new OutputBatch(out, 8);
    batch.add(Buffer.from('1234'));
    batch.add(Buffer.from('5678'));
    assert.deepEqual(out.writes, ['12345678']);
    batch.add(Buffer.from('ab'));
    batch.add(Buffer.from('x'.repeat(10)));
    assert.deepEqual(out.writes, ['12345678', 'ab', 'x'.repeat(10)]);
    assert.equal(batch.pending, 0);
  });

  test('the written bytes are a copy: adding more does not change them', () => {
    const out = new Out(1 << 20, true);
    const batch = new OutputBatch(out, 64);
    batch.add(Buffer.from('first'));
    batch.flush();
    batch.add(Buffer.from('other'));
    batch.flush();
    out.pending.forEach((done) => done());
    assert.deepEqual(out.writes, ['first', 'other']);
  });

  test('a stream that cannot take more: a promise that resolves on drain', async () => {
    const out = new Out(4, true);
    const batch = new OutputBatch(out, 64);
    batch.add(Buffer.from('0123456789'));
    const waiting = batch.flush();
    assert.ok(waiting instanceof Promise);
    let drained = false;
    void waiting.then(() => (drained = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(drained, false);
    out.pending.shift()!();
    await waiting;
    assert.equal(drained, true);
  });
});
