import { parseConnectionConfig } from '../core/config/connection.js';
import { parsePublishConfig } from '../core/config/publish.js';
import type { RawOptions } from '../core/config/raw-options.js';
import { parseRequestConfig, type RequestConfig } from '../core/config/request.js';
import { PUBLISHER_PROPERTY_COMMANDS } from '../core/config/types.js';
import { runPublish, type PublishHooks, type PublishRun } from '../core/publish/publish.js';
import { runRequest } from '../core/request/request.js';
import { startLineProgress, type LineProgressDisplay } from '../output/progress.js';
import { colorLevel } from '../output/terminal.js';
import type { CliIO } from './io.js';
import { receiveAndPrint } from './message-output.js';
import type { RunContext } from './run.js';
import { supplyPassword } from './secrets.js';
import { trapSignals } from './signals.js';

/** The publish `raw` asks for, with the hooks that report on stderr; sets -q and -d in `context`. */
function publishRunOf(raw: RawOptions, io: CliIO, context: RunContext): PublishRun {
  context.quiet = raw['quiet'] === true;
  context.debug = raw['debug'] === true;
  const connection = parseConnectionConfig(raw, process.pid, PUBLISHER_PROPERTY_COMMANDS);
  const publish = parsePublishConfig(raw);
  const say = (text: string): void => {
    if (!context.quiet) io.stderr.write(`tspub: ${text}\n`);
  };
  const hooks: PublishHooks = { onRejected: say, onReconnect: say };
  if (context.debug) hooks.debug = (line) => io.stderr.write(`${line}\n`);
  return {
    connection,
    publish,
    // Only -s and -l read it; building process.stdin costs a run that does not a few ms.
    get stdin() {
      return io.stdin;
    },
    hooks,
  };
}

/**
 * Progress of -l where a person watches: stderr a terminal that can redraw a line, and no -d
 * lines to interleave. Colour follows NO_COLOR/FORCE_COLOR as tssub's does.
 */
function showsProgress(run: PublishRun, io: CliIO, context: RunContext): boolean {
  const streaming = run.publish.source.kind === 'lines';
  return streaming && io.stderrIsTTY && io.env['TERM'] !== 'dumb' && !context.debug && !context.quiet;
}

export async function tspub(raw: RawOptions, io: CliIO, context: RunContext): Promise<void> {
  const run = publishRunOf(raw, io, context);
  const request = parseRequestConfig(raw, run.connection, run.publish);
  if (request) {
    await requestAndPrint(run, request, raw, io, context);
    return;
  }
  await supplyPassword(run.connection, io);
  let progress: LineProgressDisplay | undefined;
  if (showsProgress(run, io, context)) {
    const color = colorLevel('auto', true, io.env) > 0;
    run.hooks.onStream = (live) => {
      progress = startLineProgress(io.stderr, live, run.publish.qos > 0, color);
    };
  }
  const signals = trapSignals();
  run.signal = signals.signal;
  let succeeded = false;
  try {
    await runPublish(run);
    succeeded = true;
  } finally {
    progress?.stop(succeeded);
    signals.release();
  }
}

/** tspub -e: the request goes out as any message would; the responses come out as tssub prints. */
function requestAndPrint(run: PublishRun, request: RequestConfig, raw: RawOptions, io: CliIO, context: RunContext): Promise<void> {
  const { connection } = run;
  return receiveAndPrint('tspub', raw, io, context, { connection, filters: request.subscribe.filters }, (hooks, signal) =>
    // Only -s reads it: the getter keeps process.stdin unbuilt otherwise.
    runRequest({ connection, request, get stdin() { return run.stdin; }, hooks, signal }),
  );
}
