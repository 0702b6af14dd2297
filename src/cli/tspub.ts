import { parseConnectionConfig, parsePublishConfig } from '../core/config.js';
import { runPublish } from '../core/publish.js';
import { processIO, type CliIO } from './io.js';
import { loadCommandLine } from './invocation.js';
import { runCommand, type RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

export async function tspub(argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand('tspub', io, context, async () => {
    const command = await loadCommandLine('tspub', argv, io);
    if (command.kind !== 'run') {
      io.stdout.write(command.text);
      return;
    }
    context.quiet = command.raw['quiet'] === true;
    context.debug = command.raw['debug'] === true;
    const connection = parseConnectionConfig(command.raw);
    const publish = parsePublishConfig(command.raw);
    await supplyPassword(connection, io);
    const signals = trapSignals();
    try {
      await runPublish({
        connection,
        publish,
        stdin: io.stdin,
        hooks: context.debug ? { debug: (line) => io.stderr.write(`${line}\n`) } : {},
        signal: signals.signal,
      });
    } finally {
      signals.release();
    }
  });
}

export function main(): void {
  void tspub(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
