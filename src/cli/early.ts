import { writeSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { normaliseArgv } from './argv.js';
import { completionScript, type CompletionShell } from './completion.js';
import { helpText } from './help.js';
import type { ToolName } from './options.js';
import { versionLine, type ParsedCommandLine } from './program.js';

/** What the command line answers before any config file is read: help, version, a completion script. */
export function earlyAnswer(tool: ToolName, cliTokens: readonly string[]): Exclude<ParsedCommandLine, { kind: 'run' }> | undefined {
  if (cliTokens.includes('--help')) return { kind: 'help', text: helpText(tool) };
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
 * bin/ runs this first, from a bundle of its own (dist/early.cjs), when the command line has
 * --help, --version or --completion: the answer then costs loading a fifth of the command. Anything
 * else, or anything wrong with the command line, is left to the command, which says the same.
 */
export function answerEarly(tool: ToolName, argv: readonly string[]): boolean {
  let answer: ReturnType<typeof earlyAnswer>;
  try {
    answer = earlyAnswer(tool, normaliseArgv(argv, tool));
  } catch {
    return false;
  }
  if (answer === undefined) return false;
  writeOut(answer.text);
  return true;
}

/**
 * Writes to file descriptor 1 directly: building process.stdout (its stream classes) would cost
 * this run ~4 ms. A descriptor left non-blocking by the parent gets the stream after all; a reader
 * that went away gets nothing more, quietly, as everywhere in tsmqtt.
 */
function writeOut(text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(1, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw err;
      process.stdout.write(bytes.subarray(at));
      return;
    }
  }
}
