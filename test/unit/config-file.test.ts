import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configFileTokens, defaultConfigPath } from '../../src/cli/config-file.js';

describe('config file lines', () => {
  test('split at the first space; the rest, spaces included, is the value', () => {
    assert.deepEqual(configFileTokens('-m  two  spaces \n-t "quoted"\n', 'f', 'tspub'), ['--message= two  spaces ', '--topic="quoted"']);
  });
  test('comments, blank lines, CRLF, leading spaces, bare flags, bare -P', () => {
    assert.deepEqual(configFileTokens('# c\n\n  -r\r\n   # indented comment\n-P\n', 'f', 'tspub'), ['--retain', '--pw']);
  });
  test('--long=value works as on the command line', () => {
    assert.deepEqual(configFileTokens('--port=1884\n', 'f', 'tssub'), ['--port=1884']);
  });
  test('errors carry file and line', () => {
    assert.throws(() => configFileTokens('-v\n-x\n', '/etc/x', 'tssub'), { message: "config file '/etc/x', line 2: option -x needs a value (SECONDS)" });
  });
  test('default location: XDG_CONFIG_HOME, else HOME/.config', () => {
    assert.equal(defaultConfigPath('tssub', { XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/tssub');
    assert.equal(defaultConfigPath('tspub', { HOME: '/h' }), '/h/.config/tspub');
    assert.equal(defaultConfigPath('tspub', {}), undefined);
  });
});
