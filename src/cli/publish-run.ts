import { parseConnectionConfig, parsePublishConfig, PUBLISHER_PROPERTY_COMMANDS, type RawOptions } from '../core/config.js';
import type { PublishHooks, PublishRun } from '../core/publish.js';
import type { SocketLayer } from '../core/tcp-link.js';
import type { CliIO } from './io.js';
import type { RunContext } from './run.js';

// What tspub does with a parsed command line, shared by its two bundles: dist/tspub.cjs (every
// run) and dist/tspub-quick.cjs (the plain one-shot publish alone, see tspub-quick.ts), which
// must behave the same.

/** TSMQTT_QUICK_PUBLISH=0 sends every run through yargs and MQTT.js (see README, Performance). */
export function quickPublishAllowed(env: NodeJS.ProcessEnv): boolean {
  return env['TSMQTT_QUICK_PUBLISH'] !== '0';
}

/** TSMQTT_QUICK_PUBLISH=net keeps the quick path to net.Socket (src/core/tcp-link.ts). */
export function quickSocketLayer(env: NodeJS.ProcessEnv): SocketLayer {
  return env['TSMQTT_QUICK_PUBLISH'] === 'net' ? 'net' : 'fastest';
}

/**
 * The publish `raw` asks for, with the hooks that report on stderr; sets -q and -d in `context`.
 * A password to be read (--pw-env, --pw-file, a bare -P) is still to be supplied.
 */
export function publishRunOf(raw: RawOptions, io: CliIO, context: RunContext): PublishRun {
  context.quiet = raw['quiet'] === true;
  context.debug = raw['debug'] === true;
  const connection = parseConnectionConfig(raw, process.pid, PUBLISHER_PROPERTY_COMMANDS);
  const publish = parsePublishConfig(raw);
  const hooks: PublishHooks = {
    onRejected: (text) => {
      if (!context.quiet) io.stderr.write(`tspub: ${text}\n`);
    },
    onReconnect: (text) => {
      if (!context.quiet) io.stderr.write(`tspub: ${text}\n`);
    },
  };
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
