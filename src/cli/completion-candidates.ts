import { toolOptions, type ToolName } from './options.js';
import { buildParser } from './program.js';

/**
 * Candidates for the word being completed, from yargs' completion support, narrowed to the
 * spellings the tool really accepts (yargs offers `--C` for the letter-only -C, for instance).
 * After an option that takes a value there is nothing to offer, so the shell completes file names.
 */
export async function completionCandidates(tool: ToolName, words: readonly string[]): Promise<string[]> {
  const specs = toolOptions[tool];
  const current = words[words.length - 1] ?? '';
  const previous = words[words.length - 2];
  const takesValue = specs.some(
    (s) => s.value && !s.optionalValue && (previous === `-${s.short}` || previous === `--${s.long}`),
  );
  if (takesValue) return [];
  const accepted = new Set(specs.flatMap((s) => [s.short && `-${s.short}`, s.long && `--${s.long}`].filter(Boolean)));
  const offered = await buildParser(tool).completion('completion', false).getCompletion([...words]);
  return [...new Set(offered)].filter((c) => accepted.has(c) && c.startsWith(current));
}
