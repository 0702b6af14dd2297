// --help wraps at the terminal's width, or at 80 columns in a pipe, without losing a word.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { helpText, helpWidth, optionSynopsis } from '../../src/cli/help.js';
import { toolOptions } from '../../src/cli/options.js';

for (const tool of ['tspub', 'tssub'] as const) {
  describe(`${tool} --help`, () => {
    test('no line is wider than the width asked for, from 50 to 200 columns', () => {
      for (const width of [50, 61, 72, 80, 100, 132, 200]) {
        for (const line of helpText(tool, width).split('\n')) {
          assert.ok(line.length <= width, `${width} columns: ${JSON.stringify(line)} is ${line.length} wide`);
        }
      }
    });

    test('80 columns when no width is given', () => {
      assert.equal(helpText(tool), helpText(tool, 80));
    });

    test('narrower than 50 columns, only an option or an example command, alone on its line, may stick out', () => {
      for (const width of [1, 20, 40]) {
        for (const line of helpText(tool, width).split('\n')) {
          if (line.length > 40) assert.match(line, /^ {2}[-\w](?:(?! {2}).)*$/, `${width} columns`);
        }
      }
    });

    test('wrapping only moves text between lines: not a character is lost or changed', () => {
      const wide = helpText(tool, 1000).replace(/\s+/g, '');
      for (const width of [20, 50, 80, 120]) assert.equal(helpText(tool, width).replace(/\s+/g, ''), wide, `${width} columns`);
    });

    test('each option stands at the start of a line, its description beside it or right below it', () => {
      for (const width of [50, 80, 200]) {
        const lines = helpText(tool, width).split('\n');
        for (const spec of toolOptions[tool]) {
          const synopsis = optionSynopsis(spec);
          const at = lines.findIndex((l) => l === `  ${synopsis}` || l.startsWith(`  ${synopsis}  `));
          assert.ok(at >= 0, `${width} columns: no line starts with ${synopsis}`);
          // The first word, or its start where a long URL pattern is cut.
          const firstWord = spec.describe.slice(0, 4);
          const beside = lines[at]!.slice(synopsis.length + 2).trim();
          assert.ok(beside.startsWith(firstWord) || lines[at + 1]!.trim().startsWith(firstWord), `${width}: ${synopsis}`);
        }
      }
    });

    test('at 80 columns descriptions line up in one column', () => {
      const lines = helpText(tool, 80).split('\n');
      const starts = new Set<number>();
      for (const spec of toolOptions[tool]) {
        const synopsis = optionSynopsis(spec);
        const line = lines.find((l) => l.startsWith(`  ${synopsis}  `));
        if (line) starts.add(line.length - line.slice(synopsis.length + 2).trimStart().length);
      }
      assert.equal(starts.size, 1, `descriptions start at columns ${[...starts].join(', ')}`);
    });
  });
}

describe('helpWidth', () => {
  test("COLUMNS first, then the terminal's width, else 80", () => {
    assert.equal(helpWidth(undefined, {}), 80);
    assert.equal(helpWidth(132, {}), 132);
    assert.equal(helpWidth(0, {}), 80);
    assert.equal(helpWidth(132, { COLUMNS: '60' }), 60);
    assert.equal(helpWidth(undefined, { COLUMNS: '60' }), 60);
    assert.equal(helpWidth(100, { COLUMNS: 'wide' }), 100);
    assert.equal(helpWidth(100, { COLUMNS: '0' }), 100);
  });
});
