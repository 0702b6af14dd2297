import yargsParser from 'yargs-parser';
import { ARGUMENT_ORDER, type RawOptions } from '../core/config/raw-options.js';
import { UsageError } from '../core/errors.js';
import { normaliseArgv } from './argv.js';
import { earlyAnswer, type ParsedCommandLine } from './early.js';
import { displayFlag, toolOptions, yargsKey, type ToolName } from './options.js';

/**
 * yargs-parser's reading of the normalised tokens: every token is already `--long[=value]` or
 * `-x[=value]` (argv.ts attached each value to its flag and refused unknown options and stray
 * words), so the parser only types the values and gathers repeated options, with none of its own
 * conveniences (groups of letters, camel case, dots, numbers, negation) that mosquitto's clients lack.
 */
function parseTokens(tool: ToolName, normalised: readonly string[]): Record<string, unknown> {
  const specs = toolOptions[tool];
  return yargsParser([...normalised], {
    // A bare -P (ask for the password) is true, a given one a string: that one stays untyped.
    string: specs.filter((s) => s.value && !s.optionalValue).map(yargsKey),
    boolean: specs.filter((s) => !s.value).map(yargsKey),
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'greedy-arrays': false,
      'duplicate-arguments-array': true,
    },
  });
}

/** The RawOptions key a normalised token (`--message=x`, `-C=5`, `--retain`) belongs to. */
function keyOfToken(tool: ToolName, token: string): string | undefined {
  const eq = token.indexOf('=');
  const name = eq < 0 ? token : token.slice(0, eq);
  return toolOptions[tool].find((spec) => displayFlag(spec) === name)?.key;
}

/** Parses tokens that normaliseArgv produced (config-file tokens first, then the command line). */
export function parseNormalised(tool: ToolName, normalised: readonly string[]): RawOptions {
  const parsed = parseTokens(tool, normalised);
  const stray = parsed['_'] as unknown[];
  // argv.ts refuses stray words first; this is the parser's own word on it, should the two disagree.
  if (stray.length > 0) throw new UsageError(`unexpected argument '${String(stray[0])}'`);
  return toRawOptions(tool, parsed, normalised);
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
