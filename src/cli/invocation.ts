import { normaliseArgv } from './argv.js';
import { withConfigFile } from './config-file.js';
import { COMPLETION_REQUEST, completionCandidates } from './completion.js';
import { earlyAnswer } from './early.js';
import type { RawOptions } from '../core/config.js';
import type { ToolName } from './options.js';
import { parseNormalised, type ParsedCommandLine } from './program.js';

/**
 * The command line plus the config file (-o FILE, else ~/.config/TOOL), read first as mosquitto
 * does: a scalar option on the command line overrides the file's, list options add up.
 * --help and --version work even when the config file is broken.
 */
export async function loadCommandLine(
  tool: ToolName,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  parse: (tool: ToolName, normalised: readonly string[]) => RawOptions = parseNormalised,
): Promise<ParsedCommandLine> {
  if (argv[0] === COMPLETION_REQUEST) {
    const candidates = await completionCandidates(tool, argv.slice(1));
    return { kind: 'completion', text: candidates.map((c) => `${c}\n`).join('') };
  }
  const cliTokens = normaliseArgv(argv, tool);
  const early = earlyAnswer(tool, cliTokens);
  if (early) return early;
  return { kind: 'run', raw: parse(tool, await withConfigFile(tool, cliTokens, env)) };
}

/**
 * The command line alone, no config file read: what loadCommandLine does for a user without one.
 * Synchronous, so the parser's tests and property checks can run it by the thousand.
 */
export function parseCommandLine(tool: ToolName, argv: readonly string[]): ParsedCommandLine {
  const cliTokens = normaliseArgv(argv, tool);
  return earlyAnswer(tool, cliTokens) ?? { kind: 'run', raw: parseNormalised(tool, cliTokens) };
}

