import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../src/cli/program.js';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { parsePublishConfig } from '../../src/core/config/publish.js';
import { type RawOptions } from '../../src/core/config/raw-options.js';

function raw(tool: 'tspub' | 'tssub', argv: string[]): RawOptions {
  const parsed = parseCommandLine(tool, argv);
  assert.equal(parsed.kind, 'run');
  return (parsed as { raw: RawOptions }).raw;
}
const connection = (argv: string[]) => parseConnectionConfig(raw('tspub', argv));

describe('where the broker is: host, port, transport', () => {
  test('plain TCP leaves no transport: the lean path', () => {
    const c = connection(['-h', 'b', '-p', '1884']);
    assert.equal(c.host, 'b');
    assert.equal(c.port, 1884);
    assert.equal(c.transport, undefined);
  });
  test('-L sets host, port, credentials; the last of -h/-p/-L wins', () => {
    assert.deepEqual([connection(['-L', 'mqtt://u:p@h:2/t']).host, connection(['-L', 'mqtt://u:p@h:2/t']).port], ['h', 2]);
    const hostAfter = connection(['-L', 'mqtt://h:2/t', '-h', 'other']);
    assert.deepEqual([hostAfter.host, hostAfter.port], ['other', 2]);
    const portBefore = connection(['-p', '9', '-L', 'mqtt://h/t']);
    assert.equal(portBefore.port, 1883);
    const userAfter = connection(['-L', 'mqtt://u:p@h/t', '-u', 'v']);
    assert.deepEqual([userAfter.username, userAfter.password], ['v', 'p']);
  });
  test('the scheme decides the default port and transport', () => {
    assert.equal(connection(['-L', 'mqtts://h/t']).port, 8883);
    assert.equal(connection(['-L', 'mqtts://h/t']).transport?.tls?.useOsCerts, true);
    const ws = connection(['-L', 'ws://h/t']);
    assert.deepEqual([ws.port, ws.transport?.websocketPath, ws.transport?.tls], [80, '/mqtt', undefined]);
    const wss = connection(['-L', 'wss://h/t', '--ws-path', '/']);
    assert.deepEqual([wss.port, wss.transport?.websocketPath, wss.transport?.tls?.useOsCerts], [443, '/', true]);
  });
  test('TLS: --cafile implies port 8883 and trusts only that CA; port 8883 alone means the system CAs', () => {
    const ca = connection(['--cafile', 'ca.pem']);
    assert.equal(ca.port, 8883);
    assert.deepEqual(ca.transport?.tls, { caFile: 'ca.pem', useOsCerts: false, insecure: false });
    assert.deepEqual(connection(['-p', '8883']).transport?.tls, { useOsCerts: true, insecure: false });
    assert.equal(connection(['-L', 'mqtt://h:8883/t']).transport, undefined);
  });
  test('PSK: the key is read as a big number, like the mosquitto broker does', () => {
    assert.deepEqual(connection(['--psk', '00abc', '--psk-identity', 'me']).transport?.tls?.psk, { key: Buffer.from([0x0a, 0xbc]), identity: 'me' });
  });
  test('--unix, and a later -h or -p going back to TCP', () => {
    assert.equal(connection(['--unix', '/s']).transport?.unixPath, '/s');
    assert.equal(connection(['--unix', '/s', '-p', '1884']).transport, undefined);
    assert.equal(connection(['-h', 'h', '--unix', '/s']).transport?.unixPath, '/s');
  });
  test('password sources: last wins; bare -P asks', () => {
    assert.deepEqual(connection(['-u', 'a', '-P']).passwordFrom, { kind: 'prompt' });
    assert.deepEqual(connection(['-u', 'a', '-P', 'x', '--pw-env', 'V']).passwordFrom, { kind: 'env', variable: 'V' });
    const valueLast = connection(['-u', 'a', '--pw-file', 'f', '-P', 'x']);
    assert.deepEqual([valueLast.password, valueLast.passwordFrom], ['x', undefined]);
    assert.equal(connection(['-u', 'a', '-P', 'true']).password, 'true');
  });
  test('tspub: the last of -t and the -L topic wins', () => {
    assert.equal(parsePublishConfig(raw('tspub', ['-L', 'mqtt://h/from/url', '-t', 'cli', '-m', 'x'])).topic, 'cli');
    assert.equal(parsePublishConfig(raw('tspub', ['-t', 'cli', '-L', 'mqtt://h/from/url', '-m', 'x'])).topic, 'from/url');
  });
});
