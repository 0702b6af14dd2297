import type { RawOptions } from '../core/config.js';
import { displayFlag, toolOptions, yargsKey, type OptionSpec, type ToolName } from './options.js';
import { toRawOptions } from './program.js';

/** The connection and general options both tools take on a plain command line. */
const PLAIN_COMMON = [
  'host',
  'port',
  'protocol-version',
  'id',
  'id-prefix',
  'keepalive',
  'username',
  'pw',
  'pw-env',
  'pw-file',
  'disable-clean-session',
  'connect-timeout',
  'options-file',
  'quiet',
  'debug',
];

/**
 * The options of a plain command line, per tool: what scripts run over and over and pay start-up
 * for on every call (`tspub -h HOST -t TOPIC -m MSG -q 1`, `tssub -t TOPIC -C 1 -W 5`). A command
 * line made only of these is parsed here from the option table instead of by yargs, whose loading
 * and evaluation cost more than a whole one-shot publish: the normaliser (argv.ts) has already
 * attached every value to its flag and rejected anything unknown, so what is left is to gather
 * values by key exactly as yargs does. test/unit/plain-parser.test.ts checks, over random command
 * lines of each tool, that both give the same result; an option is in a set only if it does.
 */
export const PLAIN_OPTIONS: Record<ToolName, ReadonlySet<string>> = {
  tspub: new Set([...PLAIN_COMMON, 'topic', 'message', 'null-message', 'file', 'stdin-file', 'qos', 'retain']),
  tssub: new Set([
    ...PLAIN_COMMON,
    'session-expiry-interval',
    'topic',
    'filter-out',
    'qos',
    'count',
    'timeout',
    'no-retained',
    'retained-only',
    'verbose',
    'no-eol',
    'format',
  ]),
};

const plainSpecs: Partial<Record<ToolName, Map<string, OptionSpec>>> = {};

/** The tool's plain options by the flag the normaliser writes (`--topic`, `-C`). */
function plainSpecsOf(tool: ToolName): Map<string, OptionSpec> {
  return (plainSpecs[tool] ??= new Map(
    toolOptions[tool].filter((spec) => PLAIN_OPTIONS[tool].has(spec.key)).map((spec) => [displayFlag(spec), spec]),
  ));
}

/**
 * The tool's RawOptions for normalised tokens, without yargs; undefined when a token is not one of
 * the tool's PLAIN_OPTIONS (yargs parses those command lines).
 */
export function parsePlain(tool: ToolName, normalised: readonly string[]): RawOptions | undefined {
  const specs = plainSpecsOf(tool);
  const parsed: Record<string, unknown> = {};
  for (const token of normalised) {
    // Flags carry no '=' and values follow the first one (argv.ts writes `--flag=value`).
    const eq = token.indexOf('=');
    const spec = specs.get(eq < 0 ? token : token.slice(0, eq));
    if (!spec) return undefined;
    const value: string | boolean = eq < 0 ? true : token.slice(eq + 1);
    const key = yargsKey(spec);
    const before = parsed[key];
    // yargs keeps every occurrence of an option with a value given twice
    // (duplicate-arguments-array), and a flag given twice is just set.
    parsed[key] =
      before === undefined || !spec.value ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return toRawOptions(tool, parsed, normalised);
}
