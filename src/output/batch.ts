import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ByteSink } from './sink.js';

/**
 * Messages' bytes, gathered and written with one write per batch instead of one per message (a
 * write to a pipe or a file is a system call). A batch is written when flush() is called (the
 * subscriber does after each read from the broker), or as soon as it reaches `limit` bytes. A
 * write the stream could not take at once returns a promise that resolves on 'drain': whoever
 * waits for it reads nothing more, which is what carries a slow reader's pace back to the broker.
 */
export class OutputBatch {
  private readonly sink: ByteSink;

  constructor(
    private readonly out: Writable,
    private readonly limit = 64 * 1024,
  ) {
    this.sink = new ByteSink(4096);
  }

  /** Bytes kept for the next write. */
  get pending(): number {
    return this.sink.length;
  }

  add(bytes: Uint8Array): void | Promise<void> {
    if (bytes.length >= this.limit) {
      // Big enough to be a write of its own; no copy.
      const ready = this.write();
      return this.settled(this.out.write(bytes) && ready);
    }
    this.sink.bytes(bytes);
    return this.sink.length >= this.limit ? this.flush() : undefined;
  }

  /** Writes what was kept. */
  flush(): void | Promise<void> {
    return this.settled(this.write());
  }

  private write(): boolean {
    if (this.sink.length === 0) return true;
    return this.out.write(this.sink.take());
  }

  private settled(ready: boolean): void | Promise<void> {
    if (ready) return undefined;
    return once(this.out, 'drain').then(() => undefined);
  }
}
