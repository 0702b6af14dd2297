import yargs from 'yargs';
import { ARGUMENT_ORDER, type RawOptions } from '../core/config/raw-options.js';
import { UsageError } from '../core/errors.js';
import { normaliseArgv } from './argv.js';
import { earlyAnswer, type ParsedCommandLine } from './early.js';
import { displayFlag, toolOptions, yargsKey, type ToolName } from './options.js';

export function buildParser(tool: ToolName) {
  let parser = yargs()
    .scriptName(tool)
    .parserConfiguration({
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'strip-aliased': true,
      'greedy-arrays': false,
    })
    .help(false)
    .version(false)
    .strict()
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      throw new UsageError(message ?? error?.message ?? 'invalid arguments');
    });
  for (const spec of toolOptions[tool]) {
    parser = parser.option(yargsKey(spec), {
      type: spec.value ? 'string' : 'boolean',
      describe: spec.describe,
      ...(spec.long && spec.short ? { alias: spec.short } : {}),
      ...(spec.value && !spec.optionalValue ? { requiresArg: true, nargs: 1 } : {}),
      // Left untyped, a bare flag parses as true and a given value stays a string.
      ...(spec.optionalValue ? { type: undefined } : {}),
    });
  }
  return parser;
}

/** The RawOptions key a normalised token (`--message=x`, `-C=5`, `--retain`) belongs to. */
function keyOfToken(tool: ToolName, token: string): string | undefined {
  const eq = token.indexOf('=');
  const name = eq < 0 ? token : token.slice(0, eq);
  return toolOptions[tool].find((spec) => displayFlag(spec) === name)?.key;
}

/** Parses tokens that normaliseArgv produced (config-file tokens first, then the command line). */
export function parseNormalised(tool: ToolName, normalised: readonly string[]): RawOptions {
  const parser = buildParser(tool);
  return toRawOptions(tool, parser.parseSync([...normalised]) as Record<string, unknown>, normalised);
}

/** RawOptions from what the parser made of `normalised` (values under their yargsKey). */
function toRawOptions(tool: ToolName, parsed: Record<string, unknown>, normalised: readonly string[]): RawOptions {
  const raw: RawOptions = {};
  for (const spec of toolOptions[tool]) {
    const value = parsed[yargsKey(spec)];
    if (value === undefined) continue;
    if (typeof value === 'boolean') raw[spec.key] = value;
    else if (Array.isArray(value) && spec.optionalValue) {
      // Last one wins, and a bare flag (true) stays distinguishable from a value.
      const last: unknown = value[value.length - 1];
      raw[spec.key] = typeof last === 'boolean' ? last : String(last);
    } else if (Array.isArray(value)) raw[spec.key] = value.map(String);
    else raw[spec.key] = String(value);
  }
  // Options that set the same thing (-h, -L, --unix; -P, --pw-env, --pw-file) are resolved by
  // which came last, as mosquitto's clients do: keep the order they were given in.
  raw[ARGUMENT_ORDER] = normalised.map((t) => keyOfToken(tool, t) ?? '');
  return raw;
}

/**
 * The command line alone, no config file read: what loadCommandLine does for a user without one.
 * Synchronous, so the parser's tests and property checks can run it by the thousand.
 */
export function parseCommandLine(tool: ToolName, argv: readonly string[]): ParsedCommandLine {
  const cliTokens = normaliseArgv(argv, tool);
  return earlyAnswer(tool, cliTokens) ?? { kind: 'run', raw: parseNormalised(tool, cliTokens) };
}
