import type { Writable } from 'node:stream';
import type { GrantedSubscription, ReceivedMessage } from '../core/subscribe/subscribe.js';
import type { MessageFormatter } from './format.js';

/**
 * Terminal mode: colour on stdout and a spinner on stderr, only where a person is watching.
 * chalk and ora are imported here, lazily, so a run in a pipe or a script never loads them.
 */

export type ColorMode = 'auto' | 'always' | 'never';
export const COLOR_MODES: readonly ColorMode[] = ['auto', 'always', 'never'];

/** chalk's levels: 0 none, 1 the 16 basic colours (all tssub uses), 2 256 colours, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/** FORCE_COLOR as chalk, Node and most tools read it: '' or 'true' is 1, '0' or 'false' is off. */
function forcedLevel(env: NodeJS.ProcessEnv): ColorLevel | undefined {
  const value = env['FORCE_COLOR'];
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  const n = Number.parseInt(value, 10);
  if (Number.isNaN(n)) return 1;
  return Math.min(Math.max(n, 0), 3) as ColorLevel;
}

/**
 * The colour level for one stream. --color=always/never decide alone; under auto, FORCE_COLOR
 * wins (as in Node itself), then a non-empty NO_COLOR turns colour off, and otherwise only a
 * terminal that is not TERM=dumb gets colour.
 */
export function colorLevel(mode: ColorMode, isTTY: boolean, env: NodeJS.ProcessEnv): ColorLevel {
  if (mode === 'never') return 0;
  const forced = forcedLevel(env);
  if (mode === 'always') return forced !== undefined && forced > 0 ? forced : 1;
  if (forced !== undefined) return forced;
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return 0;
  if (!isTTY || env['TERM'] === 'dumb') return 0;
  return 1;
}

export interface TerminalPlan {
  /** Colour level for the -v and default output on stdout; 0 keeps mosquitto_sub's bytes. */
  stdoutColor: ColorLevel;
  /** Show the connecting/subscribed spinner on stderr. */
  spinner: boolean;
  spinnerColor: boolean;
}

export interface TerminalContext {
  mode: ColorMode;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Width of the stderr terminal; 0 when it reports none (a pty nobody sized, as under script). */
  stderrColumns: number;
  env: NodeJS.ProcessEnv;
  /** -F and --json print exactly what was asked for, so they are never decorated. */
  decoratable: boolean;
  /** -d writes lines to stderr and --quiet asks for silence: no spinner with either. */
  debug: boolean;
  quiet: boolean;
}

export function planTerminal(context: TerminalContext): TerminalPlan {
  const { mode, env } = context;
  const stderrLevel = colorLevel(mode, context.stderrIsTTY, env);
  return {
    stdoutColor: context.decoratable ? colorLevel(mode, context.stdoutIsTTY, env) : 0,
    // ora divides by the width: without one it would spin on clearing lines forever.
    spinner: context.stderrIsTTY && context.stderrColumns > 0 && env['TERM'] !== 'dumb' && !context.debug && !context.quiet,
    spinnerColor: stderrLevel > 0,
  };
}

/** Marks a message by its flags: `[retained]` and `[q1]`/`[q2]`; a live QoS 0 message has none. */
type Paint = (text: string) => string;
export interface Palette {
  topic: Paint;
  retained: Paint;
  qos: Paint;
  absent: Paint;
}

function markers(message: ReceivedMessage, palette: Palette): string[] {
  const out: string[] = [];
  if (message.retain) out.push(palette.retained('[retained]'));
  if (message.qos > 0) out.push(palette.qos(`[q${message.qos}]`));
  return out;
}

/**
 * The -v and default views for a colour terminal: the topic coloured, retained and QoS markers
 * added, the payload bytes untouched. Which messages print anything follows mosquitto_sub, as in
 * the plain formatter. Each message is still one buffer, written with one write.
 */
export function decoratedFormatter(options: { verbose: boolean; noEol: boolean }, palette: Palette): MessageFormatter {
  const eol = options.noEol ? '' : '\n';
  if (options.verbose) {
    return (m) => {
      if (m.payload.length === 0 && options.noEol) return undefined;
      const head = [palette.topic(m.topic), ...markers(m, palette)].join(' ');
      if (m.payload.length === 0) return Buffer.from(`${head} ${palette.absent('(null)')}${eol}`, 'utf8');
      return Buffer.concat([Buffer.from(`${head} `, 'utf8'), m.payload, Buffer.from(eol)]);
    };
  }
  return (m) => {
    if (m.payload.length === 0) return undefined;
    const head = markers(m, palette).map((s) => `${s} `).join('');
    return Buffer.concat([Buffer.from(head, 'utf8'), m.payload, Buffer.from(eol)]);
  };
}

export async function loadPalette(level: ColorLevel): Promise<Palette> {
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level });
  return { topic: chalk.cyan, retained: chalk.yellow, qos: chalk.dim, absent: chalk.dim };
}

/** Connecting -> subscribed progress on stderr, stopped before the first message is printed. */
export interface Progress {
  connecting(endpoint: string): void;
  connected(filters: readonly string[]): void;
  subscribed(granted: readonly GrantedSubscription[]): void;
  unsubscribed(filters: readonly string[]): void;
  /** Keeps the last success line (if any) and removes the spinner. Idempotent. */
  stop(): void;
}

export function describeGranted(granted: readonly GrantedSubscription[]): string {
  return granted.map((g) => `${g.filter} (${g.code >= 128 ? 'refused' : `QoS ${g.code}`})`).join(', ');
}

export async function startProgress(stream: Writable, color: boolean): Promise<Progress> {
  const { default: ora } = await import('ora');
  const spinner = ora({
    stream: stream as NodeJS.WritableStream,
    isEnabled: true,
    color: color ? 'cyan' : false,
    // tssub does not read stdin; leave the terminal's line discipline (and Ctrl-C) alone.
    discardStdin: false,
  });
  let done: string | undefined;
  let stopped = false;
  const update = (text: string): void => {
    if (stopped) return;
    spinner.text = text;
    if (!spinner.isSpinning) spinner.start();
  };
  return {
    connecting: (endpoint) => update(`connecting to ${endpoint}`),
    connected: (filters) => update(filters.length > 0 ? `subscribing to ${filters.join(', ')}` : 'connected'),
    subscribed: (granted) => {
      done = `subscribed to ${describeGranted(granted)}`;
      update(`${done}; waiting for messages`);
    },
    unsubscribed: (filters) => {
      const line = `unsubscribed from ${filters.join(', ')}`;
      done = done ? `${done}; ${line}` : line;
      update(done);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (done !== undefined) spinner.stopAndPersist({ symbol: '✔', text: done });
      else spinner.stop();
    },
  };
}
