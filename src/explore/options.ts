/**
 * The options of `tssub --explore`, checked before anything is asked or connected. Bundled with
 * tssub (it throws the core's UsageError, which must be tssub's own class).
 */
import { isatty } from 'node:tty';
import type { RawOptions } from '../core/config/raw-options.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';

/** tssub options that make no sense in the interactive view: each is a way to end or print a run. */
const NOT_WITH_EXPLORE: ReadonlyArray<readonly [key: string, flag: string]> = [
  ['count', '-C'],
  ['timeout', '-W'],
  ['exit-after-sub', '-E'],
  ['unsubscribe', '-U'],
  ['remove-retained', '--remove-retained'],
  ['retained-only', '--retained-only'],
  ['random-filter', '--random-filter'],
  ['verbose', '-v'],
  ['no-eol', '-N'],
  ['format', '-F'],
  ['pretty', '--pretty'],
  ['json', '--json'],
];

const MAX_HISTORY = 100_000;
const MIN_PAYLOAD = 16;
const MAX_PAYLOAD = 268_435_455;

function lastText(raw: RawOptions, key: string): string | undefined {
  const value = raw[key];
  if (Array.isArray(value)) return value[value.length - 1];
  return typeof value === 'string' ? value : undefined;
}

function integerOption(raw: RawOptions, key: string, min: number, max: number, fallback: number): number {
  const text = lastText(raw, key);
  if (text === undefined) return fallback;
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${key} must be a whole number from ${min} to ${max}, not '${text}'`);
  return n;
}

/** Checks what --explore needs before anything is asked or connected: options and a terminal. */
export function exploreLimits(raw: RawOptions, stdinIsTTY = isatty(0), stdoutIsTTY = isatty(1)): Limits {
  for (const [key, flag] of NOT_WITH_EXPLORE) {
    const value = raw[key];
    if (value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0)) {
      throw new UsageError(`--explore cannot be combined with ${flag}`);
    }
  }
  if (!stdinIsTTY || !stdoutIsTTY) {
    throw new UsageError('--explore is interactive: it needs a terminal on standard input and standard output');
  }
  return {
    historyPerTopic: integerOption(raw, 'explore-history', 1, MAX_HISTORY, DEFAULT_LIMITS.historyPerTopic),
    maxPayloadBytes: integerOption(raw, 'explore-max-payload', MIN_PAYLOAD, MAX_PAYLOAD, DEFAULT_LIMITS.maxPayloadBytes),
  };
}

/** Without -t (or a topic in -L), the explorer shows everything: '#'. */
export function withDefaultFilter(raw: RawOptions): RawOptions {
  const topics = raw['topic'];
  const given = (Array.isArray(topics) ? topics.length > 0 : topics !== undefined) || raw['url'] !== undefined;
  return given ? raw : { ...raw, topic: ['#'] };
}
