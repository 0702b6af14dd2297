import { once } from 'node:events';
import { parseConnectionConfig, parseSubscribeConfig, lastString, SUBSCRIBER_PROPERTY_COMMANDS } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { runSubscribe } from '../core/subscribe.js';
import { nowTimestamp, type Timestamp } from '../output/clock.js';
import { makeFormatter } from '../output/format.js';
import { FormatSyntaxError } from '../output/template.js';
import { processIO, type CliIO } from './io.js';
import { loadCommandLine } from './invocation.js';
import { runCommand, type RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

const NO_TIME: Timestamp = { sec: 0, nsec: 0 };

export async function tssub(argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand('tssub', io, context, async () => {
    const command = await loadCommandLine('tssub', argv, io);
    if (command.kind !== 'run') {
      io.stdout.write(command.text);
      return;
    }
    const { raw } = command;
    context.quiet = raw['quiet'] === true;
    context.debug = raw['debug'] === true;
    const connection = parseConnectionConfig(raw, process.pid, SUBSCRIBER_PROPERTY_COMMANDS);
    const subscribe = parseSubscribeConfig(raw);
    let format;
    try {
      format = makeFormatter({
        format: lastString(raw, 'format'),
        verbose: raw['verbose'] === true,
        noEol: raw['no-eol'] === true,
        pretty: raw['pretty'] === true,
        onWarning: (text) => {
          if (!context.quiet) io.stderr.write(`tssub: ${text}\n`);
        },
      });
    } catch (err) {
      if (err instanceof FormatSyntaxError) throw new UsageError(err.message);
      throw err;
    }

    await supplyPassword(connection, io);
    const usesClock = lastString(raw, 'format') !== undefined;
    const signals = trapSignals();
    // A reader that goes away (`tssub ... | head -1`) ends the run like a signal after connect:
    // disconnect and exit 0, quietly.
    io.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') signals.abort('EPIPE');
    });
    try {
      await runSubscribe({
        connection,
        subscribe,
        signal: signals.signal,
        hooks: {
          ...(context.debug ? { debug: (line: string) => io.stderr.write(`${line}\n`) } : {}),
          onWarning: (text) => {
            if (!context.quiet) io.stderr.write(`tssub: ${text}\n`);
          },
          onMessage: (message) => {
            // Only -F shows the time, and reading the clock per message is not free.
            const bytes = format(message, usesClock ? nowTimestamp() : NO_TIME);
            if (bytes === undefined || signals.signal.aborted) return undefined;
            if (io.stdout.write(bytes)) return undefined;
            return once(io.stdout, 'drain').then(() => undefined);
          },
        },
      });
    } finally {
      signals.release();
    }
  });
}

export function main(): void {
  void tssub(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
