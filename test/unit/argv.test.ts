import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseArgv } from '../../src/cli/argv.js';
import { parseCommandLine } from '../../src/cli/program.js';
import { wordLists } from '../../src/core/config/raw-options.js';
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
  test('-D takes three words, or four for user-property, whatever they look like', () => {
    assert.deepEqual(normaliseArgv(['-D', 'publish', 'content-type', '-m', '-D', 'CONNECT', 'User-Property', '-k', '--v'], 'tspub'), [
      '--property=publish\u0000content-type\u0000-m',
      '--property=CONNECT\u0000User-Property\u0000-k\u0000--v',
    ]);
    assert.deepEqual(normaliseArgv(['--property=will', 'content-type', 'x'], 'tssub'), ['--property=will\u0000content-type\u0000x']);
  });
  test('-D with too few words says what it needs', () => {
    assert.throws(() => normaliseArgv(['-D', 'publish', 'content-type'], 'tspub'), /^UsageError: option -D needs COMMAND PROPERTY VALUE$/);
    assert.throws(() => normaliseArgv(['--property', 'publish', 'user-property', 'k'], 'tspub'), /^UsageError: option --property needs COMMAND user-property KEY VALUE$/);
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
  test('-D values arrive in RawOptions joined, one entry per -D', () => {
    const parsed = parseCommandLine('tspub', ['-t', 'x', '-l', '-D', 'publish', 'user-property', 'a b', 'c', '-M', '5']);
    assert.ok(parsed.kind === 'run');
    assert.deepEqual(wordLists(parsed.raw, 'property'), [['publish', 'user-property', 'a b', 'c']]);
    assert.equal(parsed.raw['stdin-line'], true);
    assert.equal(parsed.raw['max-inflight'], '5');
  });
  test('unknown options are usage errors', () => {
    assert.throws(() => parseCommandLine('tspub', ['-C']), UsageError);
    assert.throws(() => parseCommandLine('tssub', ['-l']), UsageError);
  });
});
