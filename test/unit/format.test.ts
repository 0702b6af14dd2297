import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReceivedMessage } from '../../src/core/subscribe/subscribe.js';
import { makeFormatter, type OutputOptions } from '../../src/output/format.js';

function msg(topic: string, payload: Buffer | string, extra: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return { topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false, messageId: 0, ...extra };
}
/** A formatter at a fixed arrival time: none of these formats shows the time. */
const formatter = (options: OutputOptions) => {
  const f = makeFormatter(options);
  return (m: ReceivedMessage) => f(m, { sec: 0, nsec: 0 });
};
const text = (b: Buffer | undefined): string | undefined => b?.toString('latin1');

describe('output modes, byte for byte as mosquitto_sub 2.0', () => {
  const plain = formatter({ verbose: false, noEol: false });
  const verbose = formatter({ verbose: true, noEol: false });
  const verboseN = formatter({ verbose: true, noEol: true });
  const plainN = formatter({ verbose: false, noEol: true });

  test('default: raw payload bytes plus a newline, binary-safe', () => {
    assert.equal(text(plain(msg('a/3', Buffer.from('bin\0\x01\xff\n', 'latin1')))), 'bin\0\x01\xff\n\n');
  });
  test('default: an empty payload prints nothing at all', () => {
    assert.equal(plain(msg('a', '')), undefined);
  });
  test('-v: topic, space, payload', () => {
    assert.equal(text(verbose(msg('a/sp ace', 'two words'))), 'a/sp ace two words\n');
  });
  test("-v: an empty payload prints 'topic (null)'", () => {
    assert.equal(text(verbose(msg('a/2', ''))), 'a/2 (null)\n');
  });
  test('-v -N: no newline, and nothing for an empty payload', () => {
    assert.equal(text(verboseN(msg('d/1', 'one'))), 'd/1 one');
    assert.equal(verboseN(msg('d/2', '')), undefined);
  });
  test('-N: payload only', () => {
    assert.equal(text(plainN(msg('d/1', 'one'))), 'one');
  });
  test('-F prints a line for every message, empty ones included, and overrides -v', () => {
    const f = formatter({ format: '[%p]', verbose: true, noEol: false });
    assert.equal(text(f(msg('t', ''))), '[]\n');
  });
  test('-F with the minimal codes: topic, payload, QoS, retain', () => {
    const f = formatter({ format: '%t %p q=%q r=%r', verbose: false, noEol: false });
    assert.equal(text(f(msg('r/1', 'ret1', { qos: 1, retain: true }))), 'r/1 ret1 q=1 r=1\n');
  });
});
