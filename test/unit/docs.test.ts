// Keeps --help and the man pages in step with the option table (src/cli/options.ts): an option
// that exists is documented, and an option that is documented exists, with the same spelling and
// value name. The README only links to them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { helpText, optionSynopsis } from '../../src/cli/help.js';
import { toolOptions, type ToolName } from '../../src/cli/options.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

const synopsis = (tool: ToolName): string[] => toolOptions[tool].map((s) => optionSynopsis(s).trim());

/** The synopsis lines of the man page's OPTIONS section, with the roff markup removed. */
function manOptions(tool: ToolName): string[] {
  const man = read(`man/${tool}.1`);
  const section = man.slice(man.indexOf('.SH OPTIONS'), man.indexOf('.SH', man.indexOf('.SH OPTIONS') + 1));
  const lines = section.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (lines[i] === '.TP') out.push(lines[i + 1]!.replace(/\\f[BIR]/g, '').replace(/\\-/g, '-'));
  }
  return out;
}

/** The options --help lists: lines that start with one (2 spaces, or 6 for a long-only one). */
function helpOptions(tool: ToolName, width: number): string[] {
  const out: string[] = [];
  for (const line of helpText(tool, width).split('\n')) {
    const m = /^ {2}(?: {4})?(-\S.*?)(?: {2,}|$)/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

for (const tool of ['tspub', 'tssub'] as const) {
  describe(`${tool} documentation`, () => {
    test('the man page lists exactly the options that exist', () => {
      assert.deepEqual([...manOptions(tool)].sort(), [...synopsis(tool)].sort());
    });
    test('--help lists exactly the options that exist, at any width', () => {
      for (const width of [40, 80, 200]) assert.deepEqual([...helpOptions(tool, width)].sort(), [...synopsis(tool)].sort(), `${width} columns`);
    });
  });
}
