import type { ByteSink } from './sink.js';

/**
 * The JSON dialect of cJSON 1.7.15 (as Debian 12 patches it), which mosquitto_sub 2.0.11 links:
 * its parser, for %J payloads, and its printer, for %j/%J output. Both are re-implemented from
 * cJSON's observable behaviour, quirks included:
 * - whitespace is any byte <= 0x20; a UTF-8 BOM may precede the value; leading zeros ("01") and a
 *   bare trailing point ("1.") are accepted because numbers go through strtod();
 * - strings may hold raw control bytes; "\u" with bad hex digits decodes to U+0000; a lone low
 *   surrogate or an unpaired high one is an error;
 * - strings are C strings when printed, so everything from a U+0000 on is dropped;
 * - objects keep duplicate keys, in order; nesting deeper than 1000 is an error;
 * - numbers print with "%1.15g", or "%1.17g" when the first does not read back as (nearly) equal.
 */

export class CJsonString {
  constructor(readonly bytes: Uint8Array) {}
}

export class CJsonObject {
  constructor(readonly entries: Array<[key: Uint8Array, value: CJsonValue]>) {}
}

export type CJsonValue = null | boolean | number | CJsonString | CJsonValue[] | CJsonObject;

const NESTING_LIMIT = 1000;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isNumberChar = (c: number): boolean => isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x45 || c === 0x65;

/** Thrown inside the parser only; parseCJson turns it into undefined. */
class Invalid extends Error {}
const INVALID = new Invalid();

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly s: Uint8Array) {}

  /** The byte at i, with the C string's terminating NUL at s.length. */
  private at(i: number): number {
    return i < this.s.length ? this.s[i]! : 0;
  }

  skipWhitespace(): void {
    const s = this.s;
    while (this.pos < s.length && s[this.pos]! <= 0x20) this.pos++;
  }

  private literal(word: string): boolean {
    const s = this.s;
    const p = this.pos;
    if (p + word.length > s.length) return false;
    for (let i = 0; i < word.length; i++) if (s[p + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  value(): CJsonValue {
    const c = this.at(this.pos);
    switch (c) {
      case 0x6e: // n
        if (this.literal('null')) return null;
        break;
      case 0x66: // f
        if (this.literal('false')) return false;
        break;
      case 0x74: // t
        if (this.literal('true')) return true;
        break;
      case 0x22:
        return new CJsonString(this.string());
      case 0x5b:
        return this.array();
      case 0x7b:
        return this.object();
      default:
        if (c === 0x2d || isDigit(c)) return this.number();
    }
    throw INVALID;
  }

  /** cJSON copies the run of [0-9+-.eE] and lets strtod() take the longest number it can. */
  private number(): number {
    const s = this.s;
    const start = this.pos;
    let end = start;
    while (end < s.length && isNumberChar(s[end]!)) end++;
    let i = start;
    if (s[i] === 0x2b || s[i] === 0x2d) i++;
    let digits = 0;
    while (i < end && isDigit(s[i])) {
      i++;
      digits++;
    }
    if (i < end && s[i] === 0x2e) {
      i++;
      while (i < end && isDigit(s[i])) {
        i++;
        digits++;
      }
    }
    if (digits === 0) throw INVALID;
    let stop = i;
    if (i < end && (s[i] === 0x65 || s[i] === 0x45)) {
      let j = i + 1;
      if (j < end && (s[j] === 0x2b || s[j] === 0x2d)) j++;
      if (isDigit(s[j]) && j < end) {
        while (j < end && isDigit(s[j])) j++;
        stop = j;
      }
    }
    this.pos = stop;
    let text = '';
    for (let k = start; k < stop; k++) text += String.fromCharCode(s[k]!);
    // Number() rounds decimal strings correctly, as glibc's strtod does.
    return Number(text);
  }

  private string(): Uint8Array {
    const s = this.s;
    const open = this.pos;
    let end = open + 1;
    let escaped = false;
    while (end < s.length && s[end] !== 0x22) {
      if (s[end] === 0x5c) {
        escaped = true;
        end++;
      }
      end++;
    }
    if (end >= s.length) throw INVALID;
    this.pos = end + 1;
    if (!escaped) return s.subarray(open + 1, end);

    const out = Buffer.allocUnsafe(end - open);
    let o = 0;
    let p = open + 1;
    while (p < end) {
      const c = s[p]!;
      if (c !== 0x5c) {
        out[o++] = c;
        p++;
        continue;
      }
      const e = s[p + 1]!;
      switch (e) {
        case 0x62: out[o++] = 0x08; break; // b
        case 0x66: out[o++] = 0x0c; break; // f
        case 0x6e: out[o++] = 0x0a; break; // n
        case 0x72: out[o++] = 0x0d; break; // r
        case 0x74: out[o++] = 0x09; break; // t
        case 0x22: case 0x5c: case 0x2f: out[o++] = e; break;
        case 0x75: { // u
          const [codepoint, length] = this.utf16(p, end);
          o = encodeUtf8(out, o, codepoint);
          p += length;
          continue;
        }
        default:
          throw INVALID;
      }
      p += 2;
    }
    return out.subarray(0, o);
  }

  /** A \uXXXX escape (or a surrogate pair of them) at p: [codepoint, bytes consumed]. */
  private utf16(p: number, end: number): [number, number] {
    const s = this.s;
    if (end - p < 6) throw INVALID;
    const first = hex4(s, p + 2);
    if (first >= 0xdc00 && first <= 0xdfff) throw INVALID;
    if (first < 0xd800 || first > 0xdbff) return [first, 6];
    const second = p + 6;
    if (end - second < 6 || s[second] !== 0x5c || s[second + 1] !== 0x75) throw INVALID;
    const low = hex4(s, second + 2);
    if (low < 0xdc00 || low > 0xdfff) throw INVALID;
    return [0x10000 + (((first & 0x3ff) << 10) | (low & 0x3ff)), 12];
  }

  private enter(): void {
    if (this.depth >= NESTING_LIMIT) throw INVALID;
    this.depth++;
  }

  private array(): CJsonValue[] {
    this.enter();
    const items: CJsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.at(this.pos) !== 0x5d) {
      do {
        if (items.length > 0) this.pos++;
        this.skipWhitespace();
        items.push(this.value());
        this.skipWhitespace();
      } while (this.at(this.pos) === 0x2c);
      if (this.at(this.pos) !== 0x5d) throw INVALID;
    }
    this.depth--;
    this.pos++;
    return items;
  }

  private object(): CJsonObject {
    this.enter();
    const entries: Array<[Uint8Array, CJsonValue]> = [];
    this.pos++;
    this.skipWhitespace();
    if (this.at(this.pos) !== 0x7d) {
      do {
        if (entries.length > 0) this.pos++;
        this.skipWhitespace();
        if (this.at(this.pos) !== 0x22) throw INVALID;
        const key = this.string();
        this.skipWhitespace();
        if (this.at(this.pos) !== 0x3a) throw INVALID;
        this.pos++;
        this.skipWhitespace();
        entries.push([key, this.value()]);
        this.skipWhitespace();
      } while (this.at(this.pos) === 0x2c);
      if (this.at(this.pos) !== 0x7d) throw INVALID;
    }
    this.depth--;
    this.pos++;
    return new CJsonObject(entries);
  }
}

/** cJSON's parse_hex4: any non-hex digit makes the whole value 0. */
function hex4(s: Uint8Array, at: number): number {
  let h = 0;
  for (let i = 0; i < 4; i++) {
    const c = s[at + i]!;
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x57;
    else return 0;
    h = (h << 4) | v;
  }
  return h;
}

function encodeUtf8(out: Buffer, o: number, cp: number): number {
  if (cp < 0x80) {
    out[o++] = cp;
  } else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 0x3f);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  }
  return o;
}

/**
 * Parses bytes the way mosquitto_sub's %J does: cJSON_ParseWithOpts() on the NUL-terminated
 * payload, requiring that the parse ends exactly at the payload's end. Undefined when invalid.
 */
export function parseCJson(bytes: Uint8Array): { value: CJsonValue } | undefined {
  // cJSON sees a C string: a NUL inside the payload ends it early, and the end check then fails.
  if (bytes.includes(0)) return undefined;
  const parser = new Parser(bytes);
  if (bytes.length >= 4 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) parser.pos = 3;
  try {
    parser.skipWhitespace();
    const value = parser.value();
    parser.skipWhitespace();
    if (parser.pos !== bytes.length) return undefined;
    return { value };
  } catch (err) {
    if (err === INVALID) return undefined;
    // Nesting is capped at 1000, so a RangeError here means something else went wrong.
    throw err;
  }
}

// ---- printing ----

/** Compares as cJSON's compare_double does: equal within one DBL_EPSILON, relatively. */
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(Math.abs(a), Math.abs(b)) * Number.EPSILON;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** The exact decimal expansion of a finite, positive double: value = digits * 10^exp10. */
function exactDecimal(x: number): { digits: string; exp10: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  if (exp2 >= 0) return { digits: (mantissa << BigInt(exp2)).toString(), exp10: 0 };
  // m / 2^k = m * 5^k / 10^k
  return { digits: (mantissa * 5n ** BigInt(-exp2)).toString(), exp10: exp2 };
}

/**
 * printf("%1.<precision>g", x) for a finite x, from the exact value with round-half-even as
 * glibc does. Shortest round-trip digits decide directly when they are few enough.
 */
export function formatG(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  let digits: string;
  let exponent: number;
  const shortest = abs.toExponential();
  const e = shortest.indexOf('e');
  const shortDigits = shortest.slice(0, e).replace('.', '');
  // With 15 digits or fewer the shortest representation is the correctly rounded one: a normal
  // double's spacing is finer than half a unit in the 15th digit (not always in the 17th, and
  // not for subnormals, which carry fewer bits).
  if (precision <= 15 && shortDigits.length <= precision && abs >= MIN_NORMAL) {
    digits = shortDigits;
    exponent = Number(shortest.slice(e + 1));
  } else {
    const exact = exactDecimal(abs);
    digits = exact.digits;
    exponent = digits.length - 1 + exact.exp10;
    if (digits.length > precision) {
      const kept = digits.slice(0, precision);
      const first = digits.charCodeAt(precision) - 0x30;
      const rest = digits.slice(precision + 1);
      const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(rest) || (kept.charCodeAt(precision - 1) - 0x30) % 2 === 1));
      digits = kept;
      if (roundUp) {
        digits = (BigInt(kept) + 1n).toString();
        if (digits.length > precision) {
          digits = digits.slice(0, precision);
          exponent++;
        }
      }
    }
  }
  digits = digits.replace(/0+$/, '');
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return frac ? `${sign}${intPart}.${frac}` : `${sign}${intPart}`;
}

/** cJSON's print_number. */
export function cjsonNumber(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  const abs = Math.abs(x);
  if (abs < 1e15 && !Object.is(x, -0)) {
    // Small integers are by far the most common values: "%1.15g" prints them as they are.
    if (Number.isInteger(x)) return String(x);
    // From 1e-4 up to 1e15 both JavaScript and "%1.15g" use positional notation, so when the
    // shortest round-trip digits number 15 or fewer, they are the "%1.15g" text.
    if (abs >= 1e-4) {
      const text = String(x);
      let significant = 0;
      let leading = true;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x30 || c > 0x39 || (leading && c === 0x30)) continue;
        leading = false;
        significant++;
      }
      if (significant <= 15) return text;
    }
  }
  const short = formatG(x, 15);
  return nearlyEqual(Number(short), x) ? short : formatG(x, 17);
}

const ESCAPE_LETTER: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x08: 0x62, 0x0c: 0x66, 0x0a: 0x6e, 0x0d: 0x72, 0x09: 0x74 };
const HEX = '0123456789abcdef';

/** cJSON's print_string_ptr: stops at the first NUL; escapes quote, backslash and bytes below 0x20 only. */
export function writeCJsonString(out: ByteSink, s: Uint8Array): void {
  out.byte(0x22);
  let start = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (c === 0) break;
    out.bytes(s, start, i);
    start = i + 1;
    out.byte(0x5c);
    const letter = ESCAPE_LETTER[c];
    if (letter !== undefined) out.byte(letter);
    else out.latin1(`u00${HEX[c >> 4]}${HEX[c & 15]}`);
  }
  out.bytes(s, start, i);
  out.byte(0x22);
}

/**
 * cJSON_PrintUnformatted (pretty = false) or cJSON_Print (pretty = true) of a value; `depth` is
 * the nesting level it sits at inside an enclosing document, which sets the indentation.
 */
export function writeCJson(out: ByteSink, value: CJsonValue, pretty: boolean, depth = 0): void {
  write(out, value, pretty, depth);
}

function write(out: ByteSink, value: CJsonValue, pretty: boolean, depth: number): void {
  if (value === null) out.latin1('null');
  else if (value === true) out.latin1('true');
  else if (value === false) out.latin1('false');
  else if (typeof value === 'number') out.latin1(cjsonNumber(value));
  else if (value instanceof CJsonString) writeCJsonString(out, value.bytes);
  else if (Array.isArray(value)) {
    // Arrays stay on one line even when pretty, but still count as a nesting level for the
    // indentation of objects inside them, as in cJSON.
    out.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) {
        out.byte(0x2c);
        if (pretty) out.byte(0x20);
      }
      write(out, value[i]!, pretty, depth + 1);
    }
    out.byte(0x5d);
  } else {
    const inner = depth + 1;
    out.byte(0x7b);
    if (pretty) out.byte(0x0a);
    const entries = value.entries;
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i]!;
      if (pretty) out.fill(0x09, inner);
      writeCJsonString(out, key);
      out.byte(0x3a);
      if (pretty) out.byte(0x09);
      write(out, item, pretty, inner);
      if (i < entries.length - 1) out.byte(0x2c);
      if (pretty) out.byte(0x0a);
    }
    if (pretty) out.fill(0x09, depth);
    out.byte(0x7d);
  }
}
