/** Up to this many bytes, a plain loop beats the native copy's call overhead. */
const SHORT = 48;

/**
 * A reusable, growable byte buffer that one message's output is written into, so rendering a
 * message costs one copy-out allocation instead of one Buffer per piece.
 */
export class ByteSink {
  private buf: Buffer;
  length = 0;

  constructor(initialSize = 512) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buf[this.length++] = value;
  }

  bytes(data: Uint8Array, start = 0, end = data.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(n);
    const buf = this.buf;
    let at = this.length;
    // Short runs (JSON keys, escaped-string pieces) are cheaper copied by hand than through a
    // subarray view, which allocates.
    if (n <= SHORT) {
      for (let i = start; i < end; i++) buf[at++] = data[i]!;
    } else {
      buf.set(start === 0 && end === data.length ? data : data.subarray(start, end), at);
    }
    this.length += n;
  }

  /** Writes a string whose characters are all below U+0100, one byte each (ASCII text, numbers). */
  latin1(text: string): void {
    const n = text.length;
    this.reserve(n);
    if (n <= SHORT) {
      const buf = this.buf;
      let at = this.length;
      for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i);
      this.length = at;
    } else {
      this.length += this.buf.write(text, this.length, 'latin1');
    }
  }

  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  fill(value: number, count: number): void {
    if (count <= 0) return;
    this.reserve(count);
    this.buf.fill(value, this.length, this.length + count);
    this.length += count;
  }

  /** Copies out what was written since `from` and rewinds to it, so the sink can be reused. */
  take(from = 0): Buffer {
    const out = Buffer.allocUnsafe(this.length - from);
    this.buf.copy(out, 0, from, this.length);
    this.length = from;
    return out;
  }

  /** Forgets everything written since `from` (an abandoned conversion). */
  rewind(from: number): void {
    this.length = from;
  }
}
