import type { ToolName } from './options.js';

/** The hidden first argument the completion scripts call the tool with. */
export const COMPLETION_REQUEST = '--get-yargs-completions';

export type CompletionShell = 'bash' | 'zsh';

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
