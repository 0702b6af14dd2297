import { parseConnectionConfig, parsePublishConfig, PUBLISHER_PROPERTY_COMMANDS } from '../core/config.js';
import { runPublish, type PublishHooks, type PublishRun } from '../core/publish.js';
import { quickPublish, quickPublishable } from '../core/quick-publish.js';
import { startLineProgress, type LineProgressDisplay } from '../output/progress.js';
import { colorLevel } from '../output/terminal.js';
import { processIO, type CliIO } from './io.js';
import { loadCommandLine } from './invocation.js';
import { parseOneShot } from './one-shot.js';
import { parseNormalised } from './program.js';
import { runCommand, type RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

export async function tspub(argv: readonly string[], io: CliIO): Promise<number> {
  const context: RunContext = { quiet: false, debug: false };
  return runCommand('tspub', io, context, async () => {
    // TSMQTT_QUICK_PUBLISH=0 sends every run through yargs and MQTT.js, =net keeps the quick path
    // to net.Socket (see README, Performance).
    const quickAllowed = io.env['TSMQTT_QUICK_PUBLISH'] !== '0';
    const socketLayer = io.env['TSMQTT_QUICK_PUBLISH'] === 'net' ? 'net' : 'fastest';
    const command = await loadCommandLine('tspub', argv, io.env, (tool, tokens) =>
      (quickAllowed ? parseOneShot(tokens) : undefined) ?? parseNormalised(tool, tokens),
    );
    if (command.kind !== 'run') {
      io.stdout.write(command.text);
      return;
    }
    context.quiet = command.raw['quiet'] === true;
    context.debug = command.raw['debug'] === true;
    const connection = parseConnectionConfig(command.raw, process.pid, PUBLISHER_PROPERTY_COMMANDS);
    const publish = parsePublishConfig(command.raw);
    await supplyPassword(connection, io);
    let progress: LineProgressDisplay | undefined;
    const hooks: PublishHooks = {
      onRejected: (text) => {
        if (!context.quiet) io.stderr.write(`tspub: ${text}\n`);
      },
      onReconnect: (text) => {
        if (!context.quiet) io.stderr.write(`tspub: ${text}\n`);
      },
    };
    if (context.debug) hooks.debug = (line) => io.stderr.write(`${line}\n`);
    // Progress (of -l only) where a person watches: stderr a terminal, and no -d lines to interleave.
    // A dumb terminal cannot redraw a line; colour follows NO_COLOR/FORCE_COLOR as tssub's does.
    // -l is asked first: Node's isatty loads node:tty, and with it net.Socket, ~7 ms a one-shot run
    // otherwise need not pay.
    const streaming = publish.source.kind === 'lines';
    if (streaming && io.stderrIsTTY && io.env['TERM'] !== 'dumb' && !context.debug && !context.quiet) {
      const color = colorLevel('auto', true, io.env) > 0;
      hooks.onStream = (live) => {
        progress = startLineProgress(io.stderr, live, publish.qos > 0, color);
      };
    }
    const signals = trapSignals();
    let succeeded = false;
    try {
      const run: PublishRun = {
        connection,
        publish,
        // Only -s and -l read it; building process.stdin costs a run that does not a few ms.
        get stdin() {
          return io.stdin;
        },
        hooks,
        signal: signals.signal,
      };
      await (quickAllowed && quickPublishable(run) ? quickPublish(run, socketLayer) : runPublish(run));
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
