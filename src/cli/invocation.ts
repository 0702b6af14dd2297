import type { CliIO } from './io.js';
import { normaliseArgv } from './argv.js';
import { readConfigFile } from './config-file.js';
import { helpText } from './help.js';
import type { ToolName } from './options.js';
import { parseNormalised, versionLine, type ParsedCommandLine } from './program.js';

/**
 * The command line plus the config file (-o FILE, else ~/.config/TOOL), read first as mosquitto
 * does: a scalar option on the command line overrides the file's, list options add up.
 * --help and --version work even when the config file is broken.
 */
export async function loadCommandLine(tool: ToolName, argv: readonly string[], io: CliIO): Promise<ParsedCommandLine> {
  const cliTokens = normaliseArgv(argv, tool);
  if (cliTokens.includes('--help')) return { kind: 'help', text: helpText(tool) };
  if (cliTokens.includes('--version')) return { kind: 'version', text: versionLine(tool) };
  const fileTokens = await readConfigFile(tool, cliTokens, io.env);
  return { kind: 'run', raw: parseNormalised(tool, [...fileTokens, ...cliTokens]) };
}
