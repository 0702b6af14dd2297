import type { Writable } from 'node:stream';

interface Slab {
  bytes: Buffer;
  /** Socket writes from this slab not yet completed. */
  writing: number;
  /** Full, and to be reused once its writes complete. */
  retired: boolean;
}

/**
 * Packets are encoded one after another into a slab, and each run of packets goes to the socket
 * as one write of the part of the slab it filled. Slabs are reused once the socket has finished
 * with them: a long stream then allocates a handful of slabs instead of one per 64 KiB, which
 * the garbage collector would only free in a full collection, so memory stays flat.
 */
export class BatchWriter {
  private readonly free: Slab[] = [];
  private slab: Slab;
  private used = 0;
  private batchStart = 0;
  /** Socket writes so far: the socket's buffer can only have grown when this did. */
  writes = 0;

  constructor(
    private readonly socket: Writable,
    private readonly slabBytes = 64 * 1024,
  ) {
    this.slab = this.newSlab();
  }

  /**
   * Makes room for `size` contiguous bytes; returns the buffer to encode into, at `offset`.
   * A packet larger than a slab gets a buffer of its own, written at the next flush.
   */
  reserve(size: number): Buffer {
    if (this.slab.bytes.length - this.used >= size) return this.slab.bytes;
    this.flush();
    this.retire();
    this.slab = size > this.slabBytes ? { bytes: Buffer.allocUnsafe(size), writing: 0, retired: false } : this.nextSlab();
    this.used = 0;
    this.batchStart = 0;
    return this.slab.bytes;
  }

  /** Where the next packet goes in the buffer reserve() returned. */
  get offset(): number {
    return this.used;
  }

  /** Marks the buffer filled up to `end`. */
  commit(end: number): void {
    this.used = end;
  }

  /** Writes what was encoded since the last flush, as one write. */
  flush(): void {
    if (this.used === this.batchStart) return;
    const slab = this.slab;
    slab.writing++;
    this.writes++;
    this.socket.write(slab.bytes.subarray(this.batchStart, this.used), () => {
      slab.writing--;
      if (slab.retired && slab.writing === 0) this.recycle(slab);
    });
    this.batchStart = this.used;
  }

  private retire(): void {
    const slab = this.slab;
    if (slab.bytes.length !== this.slabBytes) return;
    if (slab.writing === 0) this.recycle(slab);
    else slab.retired = true;
  }

  private recycle(slab: Slab): void {
    slab.retired = false;
    this.free.push(slab);
  }

  private nextSlab(): Slab {
    return this.free.pop() ?? this.newSlab();
  }

  private newSlab(): Slab {
    return { bytes: Buffer.allocUnsafe(this.slabBytes), writing: 0, retired: false };
  }
}
