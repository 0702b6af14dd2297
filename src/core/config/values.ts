import { UsageError } from '../errors.js';
import { SESSION_NEVER_EXPIRES, type ProtocolVersion, type QoS } from './types.js';

/** Parses a whole decimal number in [min, max]; anything else is a usage error naming `what`. */
export function parseIntegerIn(text: string, min: number, max: number, what: string): number {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be a whole number ${range}, not '${text}'`);
  }
  return n;
}

/** Parses a decimal number of seconds (fractions allowed) that must be greater than zero. */
export function parsePositiveSeconds(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`${what} must be a number of seconds greater than 0, not '${text}'`);
  }
  return n;
}

export function parseQos(text: string, what = 'QoS'): QoS {
  if (text !== '0' && text !== '1' && text !== '2') {
    throw new UsageError(`${what} must be 0, 1 or 2, not '${text}'`);
  }
  return Number(text) as QoS;
}

export function parseProtocolVersion(text: string): ProtocolVersion {
  switch (text) {
    case '31':
    case 'mqttv31':
      return 3;
    case '311':
    case 'mqttv311':
      return 4;
    case '5':
    case 'mqttv5':
      return 5;
    default:
      throw new UsageError(
        `protocol version must be one of 31, 311, 5, mqttv31, mqttv311, mqttv5, not '${text}'`,
      );
  }
}

/** -x: seconds, or -1 / ∞ for "never expires". */
export function parseSessionExpiry(text: string): number {
  const t = text.trim();
  if (t === '-1' || t === '∞') return SESSION_NEVER_EXPIRES;
  return parseIntegerIn(t, 0, SESSION_NEVER_EXPIRES, 'session expiry interval (-x)');
}

/** A number of seconds that may be 0 or fractional (--repeat-delay 0.5). */
export function parseSecondsAtLeastZero(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${what} must be a number of seconds of at least 0, not '${text}'`);
  return n;
}

/** --random-filter: a percentage, as mosquitto_sub's man page documents it (see README). */
export function parsePercent(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0.1 && n <= 100)) throw new UsageError(`${what} must be a percentage from 0.1 to 100, not '${text}'`);
  return n;
}
