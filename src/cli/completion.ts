import { buildParser } from './program.js';
import { toolOptions, type ToolName } from './options.js';

/** The hidden first argument the completion scripts call the tool with. */
export const COMPLETION_REQUEST = '--get-yargs-completions';

export type CompletionShell = 'bash' | 'zsh';

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

export function completionScript(tool: ToolName, shell: CompletionShell): string {
  const fn = `_${tool}_completion`;
  if (shell === 'zsh') {
    return `#compdef ${tool}
# ${tool} completion for zsh. Install: add  source <(${tool} --completion zsh)  to ~/.zshrc (after compinit).
${fn}() {
  local -a candidates
  candidates=("\${(@f)$(${tool} ${COMPLETION_REQUEST} "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -- "\${candidates[@]}"
  else
    _files
  fi
}
compdef ${fn} ${tool}
`;
  }
  return `# ${tool} completion for bash. Install: add  source <(${tool} --completion bash)  to ~/.bashrc.
${fn}() {
  local IFS=$'\\n'
  COMPREPLY=($(${tool} ${COMPLETION_REQUEST} "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o bashdefault -o default -F ${fn} ${tool}
`;
}
