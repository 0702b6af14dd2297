import { parseConnectionConfig, parseSubscribeConfig, SUBSCRIBER_PROPERTY_COMMANDS } from '../core/config.js';
import { endpoint } from '../core/connect.js';
import { OutputError, UsageError } from '../core/errors.js';
import { runSubscribe } from '../core/subscribe.js';
import { nowTimestamp, type Timestamp } from '../output/clock.js';
import { OutputBatch } from '../output/batch.js';
import { makeFormatter, type MessageFormatter } from '../output/format.js';
import { FormatSyntaxError } from '../output/template.js';
import { decoratedFormatter, loadPalette, planTerminal, startProgress, type Progress } from '../output/terminal.js';
import { processIO, type CliIO } from './io.js';
import { parseOutputConfig } from './output-config.js';
import { loadCommandLine } from './invocation.js';
import { parsePlain } from './plain-parser.js';
import { parseNormalised } from './program.js';
import { runCommand, type RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

const NO_TIME: Timestamp = { sec: 0, nsec: 0 };

export async function tssub(argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand('tssub', io, context, async () => {
    // A plain command line (the usual `tssub -t TOPIC -C 1`) needs neither loading nor building yargs.
    const command = await loadCommandLine('tssub', argv, io.env, (tool, tokens) =>
      parsePlain(tool, tokens) ?? parseNormalised(tool, tokens),
    );
    if (command.kind !== 'run') {
      io.stdout.write(command.text);
      return;
    }
    const { raw } = command;
    context.quiet = raw['quiet'] === true;
    context.debug = raw['debug'] === true;
    const connection = parseConnectionConfig(raw, process.pid, SUBSCRIBER_PROPERTY_COMMANDS);
    if (raw['explore'] === true) {
      // Loaded only here: no other run pays for the explorer's code.
      const { exploreCommand } = await import('../explore/command.js');
      await exploreCommand(raw, connection, io);
      return;
    }
    const subscribe = parseSubscribeConfig(raw, connection.protocolVersion);
    const output = parseOutputConfig(raw);
    let format: MessageFormatter;
    try {
      format = makeFormatter({
        ...output.formatter,
        onWarning: (text) => {
          if (!context.quiet) io.stderr.write(`tssub: ${text}\n`);
        },
      });
    } catch (err) {
      if (err instanceof FormatSyntaxError) throw new UsageError(err.message);
      throw err;
    }

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
    const progress: Progress | undefined = terminal.spinner ? await startProgress(io.stderr, terminal.spinnerColor) : undefined;

    await supplyPassword(connection, io);
    // Only -F and --json show the arrival time, and reading the clock per message is not free.
    const usesClock = output.formatter.format !== undefined || output.formatter.json === true;
    const signals = trapSignals();
    // A reader that goes away (`tssub ... | head -1`, EPIPE) ends the run like a signal after
    // connect: disconnect and exit 0, quietly. Any other write failure is an error.
    let outputError: OutputError | undefined;
    const onStdoutError = (err: NodeJS.ErrnoException): void => {
      if (err.code !== 'EPIPE') outputError ??= new OutputError(`cannot write to standard output: ${err.message}`);
      signals.abort('EPIPE');
    };
    io.stdout.on('error', onStdoutError);
    let batch: OutputBatch | undefined;
    try {
      progress?.connecting(endpoint(connection));
      await runSubscribe({
        connection,
        subscribe,
        signal: signals.signal,
        hooks: {
          ...(context.debug ? { debug: (line: string) => io.stderr.write(`${line}\n`) } : {}),
          onWarning: (text) => {
            if (!context.quiet) io.stderr.write(`tssub: ${text}\n`);
          },
          onConnected: () => progress?.connected(subscribe.filters),
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
        },
      });
    } finally {
      progress?.stop();
      signals.release();
    }
    if (outputError) throw outputError;
  });
}

export function main(): void {
  void tssub(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
