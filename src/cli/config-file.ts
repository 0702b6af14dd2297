import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { findOption, normaliseArgv } from './argv.js';
import { checkConfigEncoding } from './argv-encoding.js';
import type { ToolName } from './options.js';

/**
 * mosquitto's default config file: $XDG_CONFIG_HOME/TOOL if XDG_CONFIG_HOME is set (HOME is then
 * not consulted), else ~/.config/TOOL.
 */
export function defaultConfigPath(tool: ToolName, env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg) return join(xdg, tool);
  const home = env['HOME'];
  return home ? join(home, '.config', tool) : undefined;
}

/** The tokens of one line of a config file, and where that line is. */
interface ConfigLine {
  tokens: string[];
  where: string;
}

/**
 * Turns a config file into normalised argv tokens, the way mosquitto reads its file: one option
 * per line, split at the first space (the rest of the line, spaces included, is the value),
 * lines starting with '#' and blank lines skipped, no quoting. Errors name the file and line.
 */
export function configFileTokens(text: string, path: string, tool: ToolName): string[] {
  return configFileLines(text, path, tool).flatMap((line) => line.tokens);
}

function configFileLines(text: string, path: string, tool: ToolName): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const where = `config file '${path}', line ${index + 1}`;
    const line = rawLine.replace(/\r+$/, '').replace(/^ +/, '');
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    const flag = space < 0 ? line : line.slice(0, space);
    const value = space < 0 || space === line.length - 1 ? undefined : line.slice(space + 1);
    const spec = findOption(tool, flag);
    if (spec?.key === 'options-file') throw new UsageError(`${where}: -o cannot be used inside a config file`);
    if (spec && !spec.value && value !== undefined) {
      throw new UsageError(`${where}: option ${flag} takes no value (got '${value}')`);
    }
    try {
      out.push({ tokens: normaliseArgv(value === undefined ? [flag] : [flag, value], tool), where });
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`${where}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

/** The values a token carries: all of `--key=VALUE`, and each word of a multi-word one (-D). */
function tokenValues(token: string): string[] {
  const equals = token.indexOf('=');
  if (!token.startsWith('--') || equals < 0) return [];
  const value = token.slice(equals + 1);
  const words = value.split('\0');
  return words.length > 1 ? [value, ...words] : [value];
}

/**
 * The config file the current command read, line by line, and the values its command line gave.
 * A bad value is found after parsing, by src/core/config/, whose messages quote it ("... not
 * '18873 extra'") but cannot know where it came from: inConfigFile() uses this to say. Module
 * state, as a process runs one command, which reads its config file once; each read replaces it.
 */
let lastRead: { lines: ConfigLine[]; cliValues: Set<string> } | undefined;

/**
 * `error` with the config file and line in front of its message, when the value it quotes was
 * given by a line of the config file read last (and not on the command line too, where the same
 * text would leave it unclear which one is meant); else `error` itself.
 */
export function inConfigFile(error: UsageError): UsageError {
  if (lastRead === undefined || error.message.startsWith('config file ')) return error;
  for (const line of [...lastRead.lines].reverse()) {
    const values = line.tokens.flatMap(tokenValues);
    if (values.some((v) => !lastRead!.cliValues.has(v) && error.message.includes(`'${v}'`))) {
      return new UsageError(`${line.where}: ${error.message}`);
    }
  }
  return error;
}

/** The config file's tokens: the -o file if one was given, else the default file if it exists. */
async function readConfigFile(tool: ToolName, cliTokens: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  lastRead = undefined;
  const explicit = cliTokens.filter((t) => t.startsWith('-o='));
  if (explicit.length > 1) throw new UsageError('-o (config file) given more than once');
  const path = explicit.length === 1 ? explicit[0]!.slice(3) : defaultConfigPath(tool, env);
  if (path === undefined) return [];
  if (path === '') throw new UsageError('config file name (-o) must not be empty');
  // Most users have no default file: existsSync asks without the ~0.3 ms of a failed read's error.
  if (explicit.length === 0 && !existsSync(path)) return [];
  let bytes: Buffer;
  try {
    // Synchronous: nothing else could run meanwhile, and fs/promises costs a one-shot run ~2 ms to load.
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A missing default file is normal; a missing file asked for with -o is not.
    if (code === 'ENOENT' && explicit.length === 0) return [];
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new InputError(`cannot read config file '${path}': ${why}`);
  }
  checkConfigEncoding(bytes, path);
  const lines = configFileLines(bytes.toString('utf8'), path, tool);
  lastRead = { lines, cliValues: new Set(cliTokens.flatMap(tokenValues)) };
  return lines.flatMap((line) => line.tokens);
}

/**
 * The tokens a run is parsed from: the config file's, then the command line's, so that the command
 * line's value of a scalar option wins and list options add up, as with mosquitto.
 */
export async function withConfigFile(tool: ToolName, cliTokens: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  return [...(await readConfigFile(tool, cliTokens, env)), ...cliTokens];
}
