import type { ByteSink } from './sink.js';

/**
 * The few printf() behaviours mosquitto_sub's -F output leans on, for byte strings and C ints.
 * Widths and precisions count bytes, as glibc's narrow printf does.
 */

export interface FieldSpec {
  /** The '-' flag. */
  left: boolean;
  /** The pad character mosquitto derives from the '0' flag: 0x30 or 0x20. */
  pad: number;
  /** Field width as a C int (0 = none); may be negative after overflow, as in C. */
  width: number;
  /** -1 = none. */
  precision: number;
}

const SPACE = 0x20;

/** printf("%*d") / ("%-*d") / ("%0*d") as mosquitto's formatted_print_int chooses them. */
export function writeInt(out: ByteSink, value: number, spec: FieldSpec): void {
  const digits = String(value);
  if (spec.width === 0) {
    out.latin1(digits);
    return;
  }
  // A negative '*' width means the '-' flag, which also cancels '0'.
  const left = spec.left || spec.width < 0;
  const width = Math.abs(spec.width);
  const padding = width - digits.length;
  if (left) {
    out.latin1(digits);
    out.fill(SPACE, padding);
  } else if (spec.pad === 0x30) {
    if (value < 0) {
      out.byte(0x2d);
      out.fill(0x30, padding);
      out.latin1(digits.slice(1));
    } else {
      out.fill(0x30, padding);
      out.latin1(digits);
    }
  } else {
    out.fill(SPACE, padding);
    out.latin1(digits);
  }
}

/** printf("%*.*s") and its variants, as mosquitto's formatted_print_str chooses them. */
export function writeStr(out: ByteSink, value: Uint8Array, spec: FieldSpec): void {
  const length = spec.precision >= 0 ? Math.min(value.length, spec.precision) : value.length;
  const left = spec.left || spec.width < 0;
  const padding = Math.abs(spec.width) - length;
  if (!left) out.fill(SPACE, padding);
  out.bytes(value, 0, length);
  if (left) out.fill(SPACE, padding);
}

/** The C int that a uint32 becomes when mosquitto casts it with (int). */
export const toCInt = (value: number): number => value | 0;
