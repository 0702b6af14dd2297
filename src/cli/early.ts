import { UsageError } from '../core/errors.js';
import { completionScript, type CompletionShell } from './completion.js';
import { fstatSync, statSync } from 'node:fs';
import { helpText, helpWidth } from './help.js';
import type { ToolName } from './options.js';
import type { RawOptions } from '../core/config/raw-options.js';
import { versionLine } from './version.js';

export type ParsedCommandLine =
  | { kind: 'run'; raw: RawOptions }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'completion'; text: string };

/** What the command line answers before any config file is read: help, version, a completion script. */
export function earlyAnswer(tool: ToolName, cliTokens: readonly string[]): Exclude<ParsedCommandLine, { kind: 'run' }> | undefined {
  if (cliTokens.includes('--help')) return { kind: 'help', text: helpText(tool, helpWidth(terminalColumns())) };
  if (cliTokens.includes('--version')) return { kind: 'version', text: versionLine(tool) };
  const shell = completionShellOf(cliTokens);
  return shell ? { kind: 'completion', text: completionScript(tool, shell) } : undefined;
}

function completionShellOf(tokens: readonly string[]): CompletionShell | undefined {
  const token = [...tokens].reverse().find((t) => t.startsWith('--completion='));
  if (token === undefined) return undefined;
  const shell = token.slice('--completion='.length);
  if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`--completion takes bash or zsh, not '${shell}'`);
  return shell;
}

/**
 * The terminal's width when stdout is one. node:tty (and with it process.stdout's stream classes)
 * is loaded only then: a pipe or /dev/null, where help wraps at 80 columns, pays nothing for it.
 */
function terminalColumns(): number | undefined {
  try {
    const out = fstatSync(1);
    if (!out.isCharacterDevice() || out.rdev === statSync('/dev/null').rdev) return undefined;
  } catch {
    return undefined;
  }
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}
