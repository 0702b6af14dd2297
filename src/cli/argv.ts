import { WORD_SEPARATOR } from '../core/config/raw-options.js';
import { UsageError } from '../core/errors.js';
import { displayFlag, toolOptions, type OptionSpec, type ToolName } from './options.js';

function flagTable(specs: OptionSpec[]): Map<string, OptionSpec> {
  const table = new Map<string, OptionSpec>();
  for (const spec of specs) {
    if (spec.short) table.set(`-${spec.short}`, spec);
    if (spec.long) table.set(`--${spec.long}`, spec);
  }
  return table;
}

const tables: Record<ToolName, Map<string, OptionSpec>> = {
  tspub: flagTable(toolOptions.tspub),
  tssub: flagTable(toolOptions.tssub),
};

/** The option spelled `flag` (`-m`, `--message`) in `tool`, if there is one. */
export function findOption(tool: ToolName, flag: string): OptionSpec | undefined {
  return tables[tool].get(flag);
}

function otherTool(tool: ToolName): ToolName {
  return tool === 'tspub' ? 'tssub' : 'tspub';
}

/**
 * Rewrites argv so that every option value is attached to its flag (`-m x` -> `--message=x`).
 * mosquitto's clients give an option the next argument whatever it looks like (`-m -5`,
 * `-m --help`); yargs would read such a value as another option. Unknown options, options of the
 * other tool and stray arguments are rejected here with a precise message. A multi-word option
 * (`-D publish content-type text/plain`) takes as many arguments as its form asks for and becomes
 * one value, the words joined with WORD_SEPARATOR.
 */
export function normaliseArgv(argv: readonly string[], tool: ToolName): string[] {
  const table = tables[tool];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    let spec = table.get(token);
    let inline: string | undefined;
    if (!spec && token.startsWith('--') && token.includes('=')) {
      const eq = token.indexOf('=');
      spec = table.get(token.slice(0, eq));
      if (spec && !spec.value) throw new UsageError(`option ${token.slice(0, eq)} takes no value`);
      inline = token.slice(eq + 1);
    }
    if (!spec) {
      if (token.startsWith('-') && token !== '-') {
        const name = token.includes('=') && token.startsWith('--') ? token.slice(0, token.indexOf('=')) : token;
        const other = otherTool(tool);
        const hint = tables[other].has(name) ? ` (it is a ${other} option)` : '';
        throw new UsageError(`unknown option '${name}'${hint}`);
      }
      throw new UsageError(`unexpected argument '${token}' (quote values that contain spaces)`);
    }
    if (!spec.value) {
      out.push(displayFlag(spec));
      continue;
    }
    if (spec.words) {
      const words = inline === undefined ? [] : [inline];
      let form = spec.words(words);
      while (words.length < form.split(' ').length) {
        const next = argv[++i];
        if (next === undefined) throw new UsageError(`option ${token.split('=')[0]} needs ${spec.words(words)}`);
        words.push(next);
        form = spec.words(words);
      }
      out.push(`${displayFlag(spec)}=${words.join(WORD_SEPARATOR)}`);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined && spec.optionalValue) {
      out.push(displayFlag(spec));
      continue;
    }
    if (value === undefined) {
      const hint = token === '-h' ? "; for help use '--help'" : '';
      throw new UsageError(`option ${token} needs a value (${spec.value})${hint}`);
    }
    if (inline === undefined) i++;
    out.push(`${displayFlag(spec)}=${value}`);
  }
  return out;
}
