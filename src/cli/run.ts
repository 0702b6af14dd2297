import { TsmqttError, UsageError } from '../core/errors.js';
import { inConfigFile } from './config-file.js';
import type { CliIO } from './io.js';
import type { ToolName } from './options.js';

export interface RunContext {
  /** --quiet: runtime errors are not printed (usage errors still are). */
  quiet: boolean;
  /** -d: unexpected errors show their stack. */
  debug: boolean;
}

/** Exit code for a failure that is not one of ours: a bug, reported as such. */
const INTERNAL_ERROR_EXIT = 70;

/** Maps anything thrown to the stderr text and exit code the command ends with. */
export function describeFailure(tool: ToolName, error: unknown, context: RunContext): { text: string; exitCode: number } {
  if (error instanceof UsageError) {
    // A bad value from the config file is only found once the options are checked: name the line.
    const usage = inConfigFile(error);
    return { text: `${tool}: ${usage.message}\nUse '${tool} --help' to see usage.\n`, exitCode: usage.exitCode };
  }
  if (error instanceof TsmqttError) {
    return { text: context.quiet ? '' : `${tool}: ${error.message}\n`, exitCode: error.exitCode };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const detail = context.debug && err.stack ? `\n${err.stack}` : ' (run with -d for details)';
  return {
    text: `${tool}: internal error: ${err.message}${detail}\nPlease report this at the tsmqtt issue tracker.\n`,
    exitCode: INTERNAL_ERROR_EXIT,
  };
}

/**
 * The one place where errors become messages and exit codes. `body` returns normally when the
 * job is done; everything it throws is mapped here. process.exitCode (never process.exit) lets
 * pending output drain.
 */
export async function runCommand(
  tool: ToolName,
  io: CliIO,
  context: RunContext,
  body: () => Promise<void>,
): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    const { text, exitCode } = describeFailure(tool, error, context);
    if (text) io.stderr.write(text);
    return exitCode;
  }
}
