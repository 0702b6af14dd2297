import { writeSync } from 'node:fs';
import { processIO, type CliIO } from './io.js';
import { loadCommandLine } from './invocation.js';
import type { ToolName } from './options.js';
import { runCommand, type RunContext } from './run.js';

/**
 * The one way in, for both commands (bin/ calls it): the command line is read, --help, --version
 * and completion are answered from the option table, and only a run loads its command, which
 * loads yargs, MQTT.js and the terminal packages as it needs them.
 */
export async function runTool(tool: ToolName, argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand(tool, io, context, async () => {
    const command = await loadCommandLine(tool, argv, io.env);
    if (command.kind !== 'run') {
      writeOut(command.text, io);
      return;
    }
    if (tool === 'tspub') await (await import('./tspub.js')).tspub(command.raw, io, context);
    else await (await import('./tssub.js')).tssub(command.raw, io, context);
  });
}

export function main(tool: ToolName): void {
  void runTool(tool, process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Writes to file descriptor 1 directly when it is the process's own: building process.stdout (its
 * stream classes) would cost an answer to --help a few ms. A descriptor left non-blocking by the
 * parent gets the stream after all; a reader that went away gets nothing more, quietly.
 */
function writeOut(text: string, io: CliIO): void {
  if (!io.ownsStdout) {
    io.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(1, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      io.stdout.write(bytes.subarray(at));
      return;
    }
  }
}
