import type { ReceivedMessage } from '../core/subscribe.js';

/** A -F template that failed to parse; the message says which part is wrong. */
export class FormatSyntaxError extends Error {}

type Part = Buffer | ((message: ReceivedMessage) => Buffer);

const ESCAPES: Record<string, number> = { '\\': 0x5c, '0': 0x00, a: 0x07, e: 0x1b, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

const CONVERSIONS: Record<string, (m: ReceivedMessage) => Buffer> = {
  '%': () => Buffer.from('%'),
  t: (m) => Buffer.from(m.topic, 'utf8'),
  p: (m) => m.payload,
  q: (m) => Buffer.from(String(m.qos)),
  r: (m) => Buffer.from(m.retain ? '1' : '0'),
  l: (m) => Buffer.from(String(m.payload.length)),
  m: (m) => Buffer.from(String(m.messageId)),
  x: (m) => Buffer.from(m.payload.toString('hex')),
  X: (m) => Buffer.from(m.payload.toString('hex').toUpperCase()),
};

/**
 * Compiles a mosquitto_sub -F template into a function from message to bytes. Parsing happens once,
 * so a bad template is a usage error before connecting and rendering is a flat loop.
 */
export function compileTemplate(template: string): (message: ReceivedMessage) => Buffer {
  const parts: Part[] = [];
  let literal: number[] = [];
  const flushLiteral = (): void => {
    if (literal.length > 0) parts.push(Buffer.from(literal));
    literal = [];
  };
  const bytes = Buffer.from(template, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25 /* % */ || b === 0x5c /* \ */) {
      const next = bytes[i + 1];
      if (next === undefined) {
        throw new FormatSyntaxError(b === 0x25 ? 'incomplete format specifier: the format ends with %' : 'incomplete escape: the format ends with \\');
      }
      const ch = String.fromCharCode(next);
      i++;
      if (b === 0x5c) {
        const value = ESCAPES[ch];
        if (value === undefined) throw new FormatSyntaxError(`invalid escape '\\${ch}' in format`);
        literal.push(value);
        continue;
      }
      const conversion = CONVERSIONS[ch];
      if (!conversion) throw new FormatSyntaxError(`invalid format specifier '%${ch}'`);
      flushLiteral();
      parts.push(ch === '%' ? conversion({} as ReceivedMessage) : conversion);
      continue;
    }
    literal.push(b);
  }
  flushLiteral();
  return (message) => Buffer.concat(parts.map((p) => (typeof p === 'function' ? p(message) : p)));
}
