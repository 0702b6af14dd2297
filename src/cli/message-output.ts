import type { RawOptions } from '../core/config/raw-options.js';
import type { ConnectionConfig } from '../core/config/types.js';
import { OutputError, UsageError } from '../core/errors.js';
import { endpoint } from '../core/session/session.js';
import type { SubscribeHooks } from '../core/subscribe/subscribe.js';
import { OutputBatch } from '../output/batch.js';
import { nowTimestamp, type Timestamp } from '../output/clock.js';
import { makeFormatter, type MessageFormatter } from '../output/format.js';
import { FormatSyntaxError } from '../output/template.js';
import { decoratedFormatter, loadPalette, planTerminal, startProgress, type Progress } from '../output/terminal.js';
import type { CliIO } from './io.js';
import type { ToolName } from './options.js';
import { parseOutputConfig } from './output-config.js';
import type { RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

const NO_TIME: Timestamp = { sec: 0, nsec: 0 };

/** The run's stop: SIGINT/SIGTERM, or stdout gone. */
interface Stoppable {
  signal: AbortSignal;
  abort: (reason: string) => void;
}

/** Where received messages go: stdout in the chosen format, and a spinner on a terminal's stderr. */
interface MessageOutput {
  hooks: SubscribeHooks;
  progress: Progress | undefined;
  /** Ends the output: the spinner goes; a failed stdout is thrown. */
  close(): void;
}

function formatterOf(tool: ToolName, raw: RawOptions, io: CliIO, context: RunContext) {
  const output = parseOutputConfig(raw);
  try {
    const format = makeFormatter({ ...output.formatter, onWarning: (text) => say(tool, io, context, text) });
    return { output, format };
  } catch (err) {
    if (err instanceof FormatSyntaxError) throw new UsageError(err.message);
    throw err;
  }
}

function say(tool: ToolName, io: CliIO, context: RunContext, text: string): void {
  if (!context.quiet) io.stderr.write(`${tool}: ${text}\n`);
}

/**
 * The output of tssub, and of tspub -e for its responses: checked before anything connects.
 * `stop` ends the run when stdout's reader goes away (`| head -1`, EPIPE), quietly, like a signal.
 */
async function openMessageOutput(
  tool: ToolName,
  raw: RawOptions,
  io: CliIO,
  context: RunContext,
  run: { signals: Stoppable; filters: readonly string[] },
): Promise<MessageOutput> {
  const { output, format: plain } = formatterOf(tool, raw, io, context);
  let format: MessageFormatter = plain;
  const terminal = planTerminal({
    mode: output.color,
    stdoutIsTTY: io.stdoutIsTTY,
    stderrIsTTY: io.stderrIsTTY,
    // Only a terminal has columns; asking process.stderr builds it (~5 ms) for nothing otherwise.
    stderrColumns: io.stderrIsTTY ? ((io.stderr as { columns?: number }).columns ?? 0) : 0,
    env: io.env,
    decoratable: output.formatter.format === undefined && output.formatter.json !== true,
    debug: context.debug,
    quiet: context.quiet,
  });
  if (terminal.stdoutColor > 0) format = decoratedFormatter(output.formatter, await loadPalette(terminal.stdoutColor));
  const progress = terminal.spinner ? await startProgress(io.stderr, terminal.spinnerColor) : undefined;
  // Only -F and --json show the arrival time, and reading the clock per message is not free.
  const usesClock = output.formatter.format !== undefined || output.formatter.json === true;
  let outputError: OutputError | undefined;
  const { signals } = run;
  io.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') outputError ??= new OutputError(`cannot write to standard output: ${err.message}`);
    signals.abort('EPIPE');
  });
  let batch: OutputBatch | undefined;
  const hooks: MessageOutput['hooks'] = {
    ...(context.debug ? { debug: (line: string) => io.stderr.write(`${line}\n`) } : {}),
    onWarning: (text) => say(tool, io, context, text),
    onConnected: () => progress?.connected(run.filters),
    onSubscribed: (granted) => progress?.subscribed(granted),
    onUnsubscribed: (filters) => progress?.unsubscribed(filters),
    onMessage: (message) => {
      progress?.stop();
      const bytes = format(message, usesClock ? nowTimestamp() : NO_TIME);
      if (bytes === undefined || signals.signal.aborted) return undefined;
      // Written in batches, one per read from the broker; while the reader is slow, the
      // returned promises hold back further messages and their acknowledgements.
      return (batch ??= new OutputBatch(io.stdout)).add(bytes);
    },
    flush: () => batch?.flush(),
  };
  return {
    hooks,
    progress,
    close: () => {
      progress?.stop();
      if (outputError) throw outputError;
    },
  };
}

/**
 * A run that prints what it receives (tssub, and tspub -e): the output is checked before anything
 * connects, the password fetched after every option was, and `receive` runs with the hooks that
 * print and the signal that SIGINT, SIGTERM or a reader gone away raise.
 */
export async function receiveAndPrint(
  tool: ToolName,
  raw: RawOptions,
  io: CliIO,
  context: RunContext,
  run: { connection: ConnectionConfig; filters: readonly string[] },
  receive: (hooks: SubscribeHooks, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const signals = trapSignals();
  try {
    const output = await openMessageOutput(tool, raw, io, context, { signals, filters: run.filters });
    try {
      await supplyPassword(run.connection, io);
      output.progress?.connecting(endpoint(run.connection));
      await receive(output.hooks, signals.signal);
    } finally {
      output.close();
    }
  } finally {
    signals.release();
  }
}
