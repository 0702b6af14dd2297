import type { PublishRun } from '../core/publish.js';
import { quickPublish, quickPublishable } from '../core/quick-publish.js';
import { normaliseArgv } from './argv.js';
import { withConfigFile } from './config-file.js';
import { processIO, type CliIO } from './io.js';
import { parsePlain } from './plain-parser.js';
import { publishRunOf, quickPublishAllowed, quickSocketLayer } from './publish-run.js';
import { runCommand, type RunContext } from './run.js';
import { trapSignalsLightly } from './signals.js';

/**
 * What every tspub run loads first (dist/tspub-quick.cjs, see scripts/build.js): the plain one-shot
 * publish that shell loops run over and over, and nothing else, so that such a run loads and
 * evaluates none of the rest of tspub (the yargs parser, the general publish path over MQTT.js,
 * -l, reading a password). Every other run, and every command line with anything wrong with it, is handed
 * over untouched to dist/tspub.cjs (tspub.ts), which reports it; so only the runs that tspub.ts
 * would give to parsePlain and quickPublish are done here, by the same functions.
 */
export function main(handOver: () => void): void {
  const io = processIO();
  const context: RunContext = { quiet: false, debug: false };
  void quickRunOf(process.argv.slice(2), io, context).then((run) => {
    if (run === undefined) {
      handOver();
      return;
    }
    return runCommand('tspub', io, context, async () => {
      const signals = trapSignalsLightly();
      try {
        await quickPublish(run, quickSocketLayer(io.env), signals.signal);
      } finally {
        signals.release();
      }
    }).then((code) => {
      process.exitCode = code;
    });
  });
}

/**
 * The run, if tspub.ts would publish it with quickPublish: what loadCommandLine does, minus
 * --help, --version and completion (none is a plain option: parsePlain, or normaliseArgv for a
 * completion request, declines them); with neither a password to ask for nor -d
 * (quickPublishable declines those). Reads nothing but the config file, so a run handed over has
 * had no effect yet.
 */
async function quickRunOf(argv: readonly string[], io: CliIO, context: RunContext): Promise<PublishRun | undefined> {
  if (!quickPublishAllowed(io.env)) return undefined;
  try {
    const cliTokens = normaliseArgv(argv, 'tspub');
    const raw = parsePlain('tspub', await withConfigFile('tspub', cliTokens, io.env));
    if (raw === undefined) return undefined;
    const run = publishRunOf(raw, io, context);
    return quickPublishable(run) ? run : undefined;
  } catch {
    // Said the same way by tspub.ts: its messages and exit codes are made there.
    return undefined;
  }
}
