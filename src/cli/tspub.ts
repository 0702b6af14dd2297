import { runPublish } from '../core/publish.js';
import { quickPublish, quickPublishable } from '../core/quick-publish.js';
import { startLineProgress, type LineProgressDisplay } from '../output/progress.js';
import { colorLevel } from '../output/terminal.js';
import { processIO, type CliIO } from './io.js';
import { loadCommandLine } from './invocation.js';
import { parsePlain } from './plain-parser.js';
import { parseNormalised } from './program.js';
import { publishRunOf, quickPublishAllowed, quickSocketLayer } from './publish-run.js';
import { runCommand, type RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

export async function tspub(argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand('tspub', io, context, async () => {
    const quickAllowed = quickPublishAllowed(io.env);
    const command = await loadCommandLine('tspub', argv, io.env, (tool, tokens) =>
      (quickAllowed ? parsePlain(tool, tokens) : undefined) ?? parseNormalised(tool, tokens),
    );
    if (command.kind !== 'run') {
      io.stdout.write(command.text);
      return;
    }
    const run = publishRunOf(command.raw, io, context);
    await supplyPassword(run.connection, io);
    let progress: LineProgressDisplay | undefined;
    // Progress (of -l only) where a person watches: stderr a terminal, and no -d lines to interleave.
    // A dumb terminal cannot redraw a line; colour follows NO_COLOR/FORCE_COLOR as tssub's does.
    // -l is asked first: Node's isatty loads node:tty, and with it net.Socket (~7 ms), which a run
    // on the quick path (here too, e.g. with --repeat 1) does not otherwise load.
    const streaming = run.publish.source.kind === 'lines';
    if (streaming && io.stderrIsTTY && io.env['TERM'] !== 'dumb' && !context.debug && !context.quiet) {
      const color = colorLevel('auto', true, io.env) > 0;
      run.hooks.onStream = (live) => {
        progress = startLineProgress(io.stderr, live, run.publish.qos > 0, color);
      };
    }
    const signals = trapSignals();
    run.signal = signals.signal;
    let succeeded = false;
    try {
      await (quickAllowed && quickPublishable(run) ? quickPublish(run, quickSocketLayer(io.env)) : runPublish(run));
      succeeded = true;
    } finally {
      progress?.stop(succeeded);
      signals.release();
    }
  });
}

export function main(): void {
  void tspub(process.argv.slice(2), processIO()).then((code) => {
    process.exitCode = code;
  });
}
