import { normaliseArgv } from './argv.js';
import { checkArgvEncoding } from './argv-encoding.js';
import { COMPLETION_REQUEST } from './completion.js';
import { withConfigFile } from './config-file.js';
import { earlyAnswer, type ParsedCommandLine } from './early.js';
import type { ToolName } from './options.js';

/**
 * The command line plus the config file (-o FILE, else ~/.config/TOOL), read first as mosquitto
 * does: a scalar option on the command line overrides the file's, list options add up.
 * --help and --version work even when the config file is broken, and are answered from the
 * option table alone: yargs is loaded only to parse a command line that will run.
 */
export async function loadCommandLine(tool: ToolName, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<ParsedCommandLine> {
  if (argv[0] === COMPLETION_REQUEST) {
    const { completionCandidates } = await import('./completion-candidates.js');
    const candidates = completionCandidates(tool, argv.slice(1));
    return { kind: 'completion', text: candidates.map((c) => `${c}\n`).join('') };
  }
  checkArgvEncoding(tool, argv);
  const cliTokens = normaliseArgv(argv, tool);
  const early = earlyAnswer(tool, cliTokens);
  if (early) return early;
  const tokens = await withConfigFile(tool, cliTokens, env);
  const { parseNormalised } = await import('./program.js');
  return { kind: 'run', raw: parseNormalised(tool, tokens) };
}
