import type { ReceivedMessage } from '../core/subscribe/subscribe.js';
import type { Timestamp } from './clock.js';
import { jsonLine } from './ndjson.js';
import { compileTemplate } from './template.js';

export interface OutputOptions {
  /** -F template; overrides verbose. */
  format?: string;
  verbose: boolean;
  /** -N: no newline after each message. */
  noEol: boolean;
  /** --json: one JSON object per line (the CLI refuses it together with -F, -v or -N). */
  json?: boolean;
  /** --pretty: multi-line %j / %J, and multi-line --json. */
  pretty?: boolean;
  /** Told about a -F conversion that could not be printed (%J of a payload that is not JSON). */
  onWarning?: (text: string) => void;
}

/**
 * Returns the bytes to print for a message, or undefined when mosquitto_sub prints nothing.
 * `now` is the arrival time that -F's time conversions show.
 */
export type MessageFormatter = (message: ReceivedMessage, now: Timestamp) => Buffer | undefined;

const NEWLINE = Buffer.from('\n');
const NULL_MARK = Buffer.from(' (null)');
const SPACE = Buffer.from(' ');

/**
 * The three output modes of mosquitto_sub 2.0, byte for byte: -F prints every message; -v prints
 * 'topic payload' or 'topic (null)'; the default prints the raw payload. Without -F an empty
 * payload prints nothing at all under -N, and nothing but '-v's '(null)' line otherwise.
 */
export function makeFormatter(options: OutputOptions): MessageFormatter {
  const eol = options.noEol ? [] : [NEWLINE];
  if (options.json) {
    const pretty = options.pretty === true;
    return (m, now) => jsonLine(m, new Date(now.sec * 1000 + Math.floor(now.nsec / 1e6)), pretty);
  }
  if (options.format !== undefined) {
    return compileTemplate(options.format, {
      pretty: options.pretty ?? false,
      newline: !options.noEol,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  }
  if (options.verbose) {
    return (m) => {
      if (m.payload.length === 0) {
        return options.noEol ? undefined : Buffer.concat([Buffer.from(m.topic, 'utf8'), NULL_MARK, NEWLINE]);
      }
      return Buffer.concat([Buffer.from(m.topic, 'utf8'), SPACE, m.payload, ...eol]);
    };
  }
  return (m) => (m.payload.length === 0 ? undefined : Buffer.concat([m.payload, ...eol]));
}
