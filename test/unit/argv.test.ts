import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseArgv } from '../../src/cli/argv.js';
import { parseCommandLine } from '../../src/cli/program.js';
import { UsageError } from '../../src/core/errors.js';

describe('argv normalising', () => {
  test('a value is the next argument, whatever it looks like (as mosquitto does)', () => {
    assert.deepEqual(normaliseArgv(['-t', '-m', '-m', '--help'], 'tspub'), ['--topic=-m', '--message=--help']);
  });
  test('letter-only options keep their letter', () => {
    assert.deepEqual(normaliseArgv(['-C', '5', '-R', '-W', '2'], 'tssub'), ['-C=5', '-R', '-W=2']);
  });
  test('--long=value is accepted', () => {
    assert.deepEqual(normaliseArgv(['--port=1884'], 'tspub'), ['--port=1884']);
  });
  test('-P may end the command line without a value (the password is asked for); elsewhere it takes the next argument', () => {
    assert.deepEqual(normaliseArgv(['-u', 'a', '-P'], 'tspub'), ['--username=a', '--pw']);
    assert.deepEqual(normaliseArgv(['-P', '-t'], 'tspub'), ['--pw=-t']);
    assert.throws(() => normaliseArgv(['-t'], 'tspub'), /option -t needs a value/);
  });
  test('no option bundling: -vN is unknown', () => {
    assert.throws(() => normaliseArgv(['-vN'], 'tssub'), /unknown option '-vN'/);
  });
});

describe('parseCommandLine', () => {
  test('maps values to RawOptions keys; repeated -t accumulates', () => {
    const parsed = parseCommandLine('tssub', ['-t', 'a', '-t', 'b', '-C', '2', '-v']);
    assert.equal(parsed.kind, 'run');
    if (parsed.kind !== 'run') return;
    assert.deepEqual(parsed.raw['topic'], ['a', 'b']);
    assert.equal(parsed.raw['count'], '2');
    assert.equal(parsed.raw['verbose'], true);
  });
  test('values are kept as typed: no number parsing', () => {
    const parsed = parseCommandLine('tspub', ['-t', 'x', '-m', '007']);
    assert.ok(parsed.kind === 'run' && parsed.raw['message'] === '007');
  });
  test('--help wins over everything else, even invalid values', () => {
    assert.equal(parseCommandLine('tspub', ['-q', '9', '--help']).kind, 'help');
  });
  test('unknown options are usage errors', () => {
    assert.throws(() => parseCommandLine('tspub', ['-l']), UsageError);
  });
});
