import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOutputConfig } from '../../src/cli/output-config.js';

describe('output options', () => {
  test('--json alone', () => {
    assert.deepEqual(parseOutputConfig({ json: true }), { formatter: { verbose: false, noEol: false, json: true }, color: 'auto' });
  });
  for (const [extra, message] of [
    [{ format: '%t' }, '--json and -F both choose the output format: give one of them'],
    [{ verbose: true }, '--json already prints the topic: drop -v'],
    [{ 'no-eol': true }, '--json prints one object per line: drop -N'],
  ] as const) {
    test(`--json with ${Object.keys(extra)[0]} is refused`, () => {
      assert.throws(() => parseOutputConfig({ json: true, ...extra }), { name: 'UsageError', message });
    });
  }
  test('--color: auto by default, the last one wins, anything else is refused', () => {
    assert.equal(parseOutputConfig({}).color, 'auto');
    assert.equal(parseOutputConfig({ color: ['never', 'always'] }).color, 'always');
    assert.throws(() => parseOutputConfig({ color: 'yes' }), { message: "--color must be auto, always or never, not 'yes'" });
  });
});
