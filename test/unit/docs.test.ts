// Keeps --help, the man pages and the README in step: an option that exists is documented, and
// an option that is documented exists, with the same spelling and value name.
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

/** Every `-x, --long VALUE` code span that starts a README table row. */
function readmeOptions(): string[] {
  return [...read('README.md').matchAll(/^\| `(-[^`]+)` \|/gm)].map((m) => m[1]!);
}

for (const tool of ['tspub', 'tssub'] as const) {
  describe(`${tool} documentation`, () => {
    test('the man page lists exactly the options that exist', () => {
      assert.deepEqual([...manOptions(tool)].sort(), [...synopsis(tool)].sort());
    });
    test('--help shows every option', () => {
      const help = helpText(tool);
      for (const s of synopsis(tool)) assert.ok(help.includes(s), `--help lacks ${s}`);
    });
    test('the README lists every option', () => {
      const readme = readmeOptions();
      for (const s of synopsis(tool)) assert.ok(readme.includes(s), `README lacks ${s}`);
    });
  });
}

test('every option the README lists exists in one of the tools', () => {
  const all = new Set([...synopsis('tspub'), ...synopsis('tssub')]);
  for (const s of readmeOptions()) assert.ok(all.has(s), `README documents ${s}, which does not exist`);
});
