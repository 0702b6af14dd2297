import type { ReceivedMessage } from '../core/subscribe/subscribe.js';
import type { Timestamp } from './clock.js';
import { writeMessageJson } from './json.js';
import { localTime, type LocalTime } from './localtime.js';
import { toCInt, writeInt, writeStr, type FieldSpec } from './printf.js';
import { ByteSink } from './sink.js';
import { isoLocal, strftimeConversion } from './strftime.js';

/** A -F template that failed to parse; the message says which part is wrong. */
export class FormatSyntaxError extends Error {}

export interface TemplateOptions {
  /** --pretty: %j and %J print cJSON's indented, multi-line form. */
  pretty?: boolean;
  /** Append "\n" after every message (mosquitto_sub does unless -N). */
  newline?: boolean;
  /** Told, in one line, about a conversion that could not be printed (%J of a payload that is not JSON). */
  onWarning?: (text: string) => void;
}

/** Renders one message; `now` is the wall-clock time the % and @ time conversions show. */
export type Renderer = (message: ReceivedMessage, now: Timestamp) => Buffer;

type Part = (message: ReceivedMessage, now: Timestamp, out: ByteSink) => void;

const ESCAPES: Record<number, number> = { 0x5c: 0x5c, 0x30: 0x00, 0x61: 0x07, 0x65: 0x1b, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };
const SPACE = 0x20;
const ZERO = 0x30;

const pad9 = (n: number): string => String(n).padStart(9, '0');

/** The whole (UTF-8) character starting at byte i, for error messages. */
function charAt(bytes: Buffer, i: number): string {
  const lead = bytes[i]!;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.toString('utf8', i, Math.min(bytes.length, i + length));
}

/** mosquitto's write_payload(), including its width quirks: a width truncates, and for hex it halves the byte count. */
function payloadPart(hex: 0 | 1 | 2, spec: FieldSpec): Part {
  const { left, pad, width } = spec;
  return (m, _now, out) => {
    const payload = m.payload;
    let count = payload.length;
    let padding: number;
    if (width > 0) {
      if (count > width) count = width;
      if (hex) {
        count >>= 1;
        padding = width - count * 2;
      } else {
        padding = width - count;
      }
    } else {
      padding = width - count;
    }
    if (!left) out.fill(pad, padding);
    if (hex === 0) out.bytes(payload, 0, count);
    else if (hex === 1) out.latin1(payload.toString('hex', 0, count));
    else out.latin1(payload.toString('hex', 0, count).toUpperCase());
    // printf("%*s", padlen, ""): a negative padlen left-justifies, so "%-p" adds one space per byte.
    if (left) out.fill(SPACE, Math.abs(padding));
  };
}

/** Conversions of a number that may be missing (v5 properties): missing prints `width` pad characters. */
function optionalIntPart(read: (m: ReceivedMessage) => number | undefined, spec: FieldSpec, missingPad: number): Part {
  return (m, _now, out) => {
    const value = read(m);
    if (value === undefined) out.fill(missingPad, spec.width);
    else writeInt(out, value, spec);
  };
}

/** %C, %R: a string property; missing prints `missingWidth` spaces. */
function optionalStrPart(read: (m: ReceivedMessage) => string | undefined, spec: FieldSpec, missingWidth: number): Part {
  return (m, _now, out) => {
    const value = read(m);
    if (value === undefined) out.fill(SPACE, missingWidth);
    else writeStr(out, Buffer.from(value, 'utf8'), spec);
  };
}

/**
 * %P: "key:value" pairs separated by spaces, in received order as far as MQTT.js keeps it: it
 * groups a repeated name under its first occurrence, so k1,k2,k1 prints as k1 k1 k2.
 */
function userPropertiesPart(): Part {
  return (m, _now, out) => {
    const pairs = m.properties?.userProperties;
    if (!pairs) return;
    let first = true;
    for (const [key, value] of Object.entries(pairs)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (!first) out.byte(SPACE);
        first = false;
        out.utf8(key);
        out.byte(0x3a);
        out.utf8(String(v));
      }
    }
  };
}

/** A time-dependent @ conversion, re-rendered only when the broken-down time changes. */
function timePart(render: (tm: LocalTime) => string): Part {
  let lastTm: LocalTime | undefined;
  let text = '';
  return (_m, now, out) => {
    const tm = localTime(now.sec);
    if (tm !== lastTm) {
      lastTm = tm;
      text = render(tm);
    }
    out.latin1(text);
  };
}

function percentPart(conversion: number, spec: FieldSpec, options: TemplateOptions): Part | Buffer {
  const { pad, width, precision } = spec;
  switch (conversion) {
    case 0x25: // %
      return Buffer.from('%');
    case 0x74: // t
      if (width === 0 && precision === -1) return (m, _now, out) => out.utf8(m.topic);
      return (m, _now, out) => writeStr(out, Buffer.from(m.topic, 'utf8'), spec);
    case 0x70: // p
      return payloadPart(0, spec);
    case 0x78: // x
      return payloadPart(1, spec);
    case 0x58: // X
      return payloadPart(2, spec);
    case 0x6c: // l
      return (m, _now, out) => writeInt(out, m.payload.length, spec);
    case 0x6d: // m
      return (m, _now, out) => writeInt(out, m.messageId, spec);
    case 0x71: // q
      return (m, _now, out) => out.byte(0x30 + m.qos);
    case 0x72: // r
      return (m, _now, out) => out.byte(m.retain ? 0x31 : 0x30);
    case 0x49: {
      // I: strftime("%FT%T%z"), re-rendered only when the second changes
      let lastTm: LocalTime | undefined;
      let text = Buffer.alloc(0);
      return (_m, now, out) => {
        const tm = localTime(now.sec);
        if (tm !== lastTm) {
          lastTm = tm;
          text = Buffer.from(isoLocal(tm), 'latin1');
        }
        writeStr(out, text, spec);
      };
    }
    case 0x55: // U
      return (_m, now, out) => out.latin1(`${now.sec}.${pad9(now.nsec)}`);
    case 0x6a: // j: payload as a JSON string
    case 0x4a: {
      // J: payload parsed as JSON
      const escaped = conversion === 0x6a;
      const pretty = options.pretty ?? false;
      const warn = options.onWarning;
      return (m, now, out) => {
        if (!writeMessageJson(out, m, localTime(now.sec), now.nsec, escaped, pretty)) {
          warn?.(`message payload is not valid JSON on topic ${m.topic}`);
        }
      };
    }
    case 0x41: // A
      return optionalIntPart((m) => m.properties?.topicAlias, spec, pad);
    case 0x43: // C: missing pads with spaces whatever the flag
      return optionalStrPart((m) => m.properties?.contentType, spec, width);
    case 0x44: // D
      return (m, _now, out) => {
        const data = m.properties?.correlationData;
        if (data) out.bytes(data);
      };
    case 0x45: // E
      return optionalIntPart((m) => {
        const v = m.properties?.messageExpiryInterval;
        return v === undefined ? undefined : toCInt(v);
      }, spec, pad);
    case 0x46: // F
      return optionalIntPart((m) => {
        const v: unknown = m.properties?.payloadFormatIndicator;
        return v === undefined ? undefined : typeof v === 'number' ? v : v ? 1 : 0;
      }, spec, pad);
    case 0x50: // P
      return userPropertiesPart();
    case 0x52: // R: missing prints nothing at all
      return optionalStrPart((m) => m.properties?.responseTopic, spec, 0);
    case 0x53: // S: the first identifier when there are several
      return optionalIntPart((m) => {
        const ids = m.properties?.subscriptionIdentifier;
        const id = Array.isArray(ids) ? ids[0] : ids;
        return id === undefined ? undefined : toCInt(id);
      }, spec, pad);
    default:
      return ZERO_LENGTH;
  }
}

const ZERO_LENGTH = Buffer.alloc(0);
const CONVERSIONS = new Set(Array.from('%ACDEFIlmPpqRSrtjJUxX', (c) => c.charCodeAt(0)));
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The template's output pieces, with runs of literal bytes merged into one part. */
class PartList {
  private readonly parts: Part[] = [];
  private literal: number[] = [];

  byte(b: number): void {
    this.literal.push(b);
  }

  bytes(bytes: Uint8Array): void {
    for (const b of bytes) this.literal.push(b);
  }

  part(part: Part): void {
    this.flushLiteral();
    this.parts.push(part);
  }

  done(): Part[] {
    this.flushLiteral();
    return this.parts;
  }

  private flushLiteral(): void {
    if (this.literal.length === 0) return;
    const bytes = Buffer.from(this.literal);
    this.parts.push((_m, _now, out) => out.bytes(bytes));
    this.literal = [];
  }
}

/** Reads a template byte by byte; a specifier that the template ends inside is a syntax error. */
class Cursor {
  /** The byte last read. */
  private i = -1;

  constructor(private readonly bytes: Buffer) {}

  hasMore(): boolean {
    return this.i + 1 < this.bytes.length;
  }

  next(kind: 'format' | 'escape' = 'format'): number {
    if (++this.i >= this.bytes.length) throw new FormatSyntaxError(`incomplete ${kind} specifier`);
    return this.bytes[this.i]!;
  }

  /** The whole character last read, for error messages. */
  current(): string {
    return charAt(this.bytes, this.i);
  }
}

/** %[flag][width][.precision]conversion, where flag is a single '0' or '-'; the '%' is read. */
function readFieldSpec(at: Cursor): { spec: FieldSpec; conversion: number } {
  let c = at.next();
  const spec: FieldSpec = { left: false, pad: SPACE, width: 0, precision: -1 };
  if (c === 0x2d || c === 0x30) {
    if (c === 0x2d) spec.left = true;
    else spec.pad = ZERO;
    c = at.next();
    // mosquitto's printer also takes a '0' right after '-' as the pad character ("%-05A").
    if (spec.left && c === 0x30) spec.pad = ZERO;
  }
  while (isDigit(c)) {
    // C int arithmetic, overflow included.
    spec.width = (Math.imul(spec.width, 10) + (c - 0x30)) | 0;
    c = at.next();
  }
  if (c === 0x2e) {
    c = at.next();
    spec.precision = 0;
    while (isDigit(c)) {
      spec.precision = (Math.imul(spec.precision, 10) + (c - 0x30)) | 0;
      c = at.next();
    }
  }
  return { spec, conversion: c };
}

function compilePercent(at: Cursor, list: PartList, options: TemplateOptions): void {
  const { spec, conversion } = readFieldSpec(at);
  if (!CONVERSIONS.has(conversion)) throw new FormatSyntaxError(`invalid format specifier '${at.current()}'`);
  const part = percentPart(conversion, spec, options);
  if (typeof part === 'function') list.part(part);
  else list.bytes(part);
}

/** @X: strftime("%X") on the local time, except @@ and @N (nanoseconds). */
function compileTime(at: Cursor, list: PartList): void {
  const c = at.next();
  if (c === 0x40) list.byte(0x40);
  else if (c === 0x4e) list.part((_m, now, out) => out.latin1(pad9(now.nsec)));
  else {
    const conversion = strftimeConversion(c);
    if (conversion.kind === 'fixed') list.bytes(conversion.bytes);
    else list.part(timePart(conversion.render));
  }
}

function compileEscape(at: Cursor, list: PartList): void {
  const value = ESCAPES[at.next('escape')];
  if (value === undefined) throw new FormatSyntaxError(`invalid escape specifier '${at.current()}'`);
  list.byte(value);
}

function parseTemplate(template: string, options: TemplateOptions): Part[] {
  const list = new PartList();
  const at = new Cursor(Buffer.from(template, 'utf8'));
  while (at.hasMore()) {
    const b = at.next();
    if (b === 0x25) compilePercent(at, list, options);
    else if (b === 0x40) compileTime(at, list);
    else if (b === 0x5c) compileEscape(at, list);
    else list.byte(b);
  }
  if (options.newline) list.byte(0x0a);
  return list.done();
}

/**
 * Compiles a mosquitto_sub -F template into a renderer. Parsing (and every check that
 * mosquitto_sub's check_format makes) happens once, so a bad template is a usage error before
 * connecting and rendering is a flat loop over precompiled parts.
 */
export function compileTemplate(template: string, options: TemplateOptions = {}): Renderer {
  const parts = parseTemplate(template, options);
  const out = new ByteSink();
  const count = parts.length;
  return (message, now) => {
    // Start where the sink stands rather than at 0, so that a renderer called again from inside
    // onWarning cannot clobber the output being built.
    const start = out.length;
    try {
      for (let i = 0; i < count; i++) parts[i]!(message, now, out);
    } catch (err) {
      out.rewind(start);
      throw err;
    }
    return out.take(start);
  };
}
