import type { RawOptions } from '../core/config.js';
import { displayFlag, toolOptions, yargsKey, type OptionSpec } from './options.js';
import { toRawOptions } from './program.js';

/**
 * The tspub options of a plain one-shot publish (`tspub -h HOST -t TOPIC -m MSG -q 1`), the case
 * shell loops pay start-up for on every call. A command line made only of these is parsed here
 * from the option table instead of by yargs, whose evaluation alone costs more than the whole
 * publish: the normaliser (argv.ts) has already attached every value to its flag and rejected
 * anything unknown, so what is left is to gather values by key exactly as yargs does.
 * test/unit/one-shot.test.ts checks, over random command lines, that both give the same result.
 */
export const ONE_SHOT_OPTIONS: ReadonlySet<string> = new Set([
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
  'topic',
  'message',
  'null-message',
  'file',
  'stdin-file',
  'qos',
  'retain',
  'quiet',
  'debug',
  'options-file',
]);

const oneShotSpecs = new Map<string, OptionSpec>(
  toolOptions.tspub.filter((spec) => ONE_SHOT_OPTIONS.has(spec.key)).map((spec) => [displayFlag(spec), spec]),
);

/**
 * tspub's RawOptions for normalised tokens, without yargs; undefined when a token is not one of
 * ONE_SHOT_OPTIONS (yargs parses those command lines).
 */
export function parseOneShot(normalised: readonly string[]): RawOptions | undefined {
  const parsed: Record<string, unknown> = {};
  for (const token of normalised) {
    // Flags carry no '=' and values follow the first one (argv.ts writes `--flag=value`).
    const eq = token.indexOf('=');
    const spec = oneShotSpecs.get(eq < 0 ? token : token.slice(0, eq));
    if (!spec) return undefined;
    const value: string | boolean = eq < 0 ? true : token.slice(eq + 1);
    const key = yargsKey(spec);
    const before = parsed[key];
    // yargs keeps every occurrence of an option with a value given twice
    // (duplicate-arguments-array), and a flag given twice is just set.
    parsed[key] =
      before === undefined || !spec.value ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return toRawOptions('tspub', parsed, normalised);
}
