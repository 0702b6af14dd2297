import { toolOptions, type ToolName } from './options.js';

/**
 * Candidates for the word being completed, from the option table: the spellings the tool accepts
 * that start with what was typed (`-C`, never a `--C` it does not accept), less the options given
 * already that would only be overridden. After an option that takes a value, or for a word that
 * is no option, there is nothing to offer, so the shell completes file names.
 */
export function completionCandidates(tool: ToolName, words: readonly string[]): string[] {
  const specs = toolOptions[tool];
  const current = words[words.length - 1] ?? '';
  const previous = words[words.length - 2];
  const spellings = (s: (typeof specs)[number]): string[] => [s.short && `-${s.short}`, s.long && `--${s.long}`].filter((x): x is string => !!x);
  const takesValue = specs.some((s) => s.value && !s.optionalValue && previous !== undefined && spellings(s).includes(previous));
  if (takesValue || !current.startsWith('-')) return [];
  const given = new Set(words.slice(0, -1));
  return specs
    .filter((s) => s.repeatable || !spellings(s).some((w) => given.has(w)))
    .flatMap(spellings)
    .filter((w) => w.startsWith(current));
}
