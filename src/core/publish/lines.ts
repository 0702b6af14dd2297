/**
 * How far next() looks for the newline byte by byte before asking Buffer.indexOf. A tspub -l run
 * is short: much of its input is split before the JIT has compiled next(), and there one call into
 * indexOf costs as much as looking at a few dozen bytes (and typical lines are short).
 */
const SCAN_BYTES = 64;

/**
 * Cuts a byte stream into lines at '\n', as mosquitto_pub -l does: the newline is not part of
 * the line, a '\r' before it is kept, an empty line is an empty message and a last line without a
 * newline still counts. Unlike mosquitto_pub, a NUL byte is kept rather than ending the line.
 *
 * It allocates nothing per line: after next() returns true, the line is `source[start, end)`,
 * which is the current chunk itself unless the line spans chunks. A long stream therefore leaves
 * no per-line objects behind for the garbage collector to promote while the window is full.
 */
export class LineReader {
  /** The bytes of the current line: valid from a true next() until the following call. */
  source: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;

  private chunk: Buffer = Buffer.alloc(0);
  private position = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** `maxLineBytes`: a longer line makes next() or finish() throw `onTooLong()`. */
  constructor(
    private readonly maxLineBytes: number,
    private readonly onTooLong: () => Error,
  ) {}

  /** Starts on the next chunk; the previous one must have been read to its end. */
  feed(chunk: Buffer): void {
    this.chunk = chunk;
    this.position = 0;
  }

  /** Moves to the next complete line of the current chunk; false once the chunk is used up. */
  next(): boolean {
    const { chunk, position } = this;
    const length = chunk.length;
    if (position >= length) return false;
    const scanned = Math.min(length, position + SCAN_BYTES);
    let newline = position;
    while (newline < scanned && chunk[newline] !== 10) newline++;
    if (newline === scanned) newline = scanned === length ? -1 : chunk.indexOf(10, scanned);
    if (newline === -1) {
      this.keep(chunk.subarray(position));
      this.position = length;
      return false;
    }
    if (this.pending.length > 0) {
      this.keep(chunk.subarray(position, newline));
      this.source = this.takePending();
      this.start = 0;
      this.end = this.source.length;
    } else {
      if (newline - position > this.maxLineBytes) throw this.onTooLong();
      this.source = chunk;
      this.start = position;
      this.end = newline;
    }
    this.position = newline + 1;
    return true;
  }

  /** At the end of the input: moves to the last line if it had no newline. */
  finish(): boolean {
    if (this.pending.length === 0) return false;
    this.source = this.takePending();
    this.start = 0;
    this.end = this.source.length;
    return true;
  }

  private keep(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) throw this.onTooLong();
    this.pending.push(part);
  }

  private takePending(): Buffer {
    const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}
