import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { parseSubscribeConfig } from '../../src/core/config/subscribe.js';
import { toClientOptions } from '../../src/core/session/client-options.js';
import { UsageError } from '../../src/core/errors.js';
import { capReceiveMaximum, subscriptionOptions } from '../../src/core/subscribe/subscribe.js';

describe('subscribe options of issue 4', () => {
  test('defaults: nothing unsubscribed, removed or filtered', () => {
    const c = parseSubscribeConfig({ topic: 'a' });
    assert.deepEqual(c.unsubscribe, []);
    assert.equal(c.removeRetained, false);
    assert.equal(c.retainedOnly, false);
    assert.equal(c.retainAsPublished, false);
    assert.equal(c.randomFilterPercent, undefined);
  });
  test('-U accumulates and may be given without -t', () => {
    const c = parseSubscribeConfig({ unsubscribe: ['a/#', 'b'] });
    assert.deepEqual(c.filters, []);
    assert.deepEqual(c.unsubscribe, ['a/#', 'b']);
  });
  test('-U filters are validated', () => {
    assert.throws(() => parseSubscribeConfig({ unsubscribe: 'a/#/b' }), /invalid unsubscribe filter \(-U\) 'a\/#\/b'/);
  });
  test('-R with --retained-only is refused', () => {
    assert.throws(() => parseSubscribeConfig({ topic: 'a', 'no-retained': true, 'retained-only': true }), UsageError);
  });
  test('--retain-as-published needs MQTT 5', () => {
    assert.throws(() => parseSubscribeConfig({ topic: 'a', 'retain-as-published': true }, 4), /MQTT 5/);
    assert.equal(parseSubscribeConfig({ topic: 'a', 'retain-as-published': true }, 5).retainAsPublished, true);
  });
  for (const [text, value] of [['0.1', 0.1], ['50', 50], ['100', 100], ['.5', 0.5]] as const) {
    test(`--random-filter '${text}' is ${value} percent`, () => {
      assert.equal(parseSubscribeConfig({ topic: 'a', 'random-filter': text }).randomFilterPercent, value);
    });
  }
  for (const text of ['0', '0.05', '100.1', '1000', 'abc', '', '-5', '1e2']) {
    test(`--random-filter '${text}' is refused`, () => {
      assert.throws(() => parseSubscribeConfig({ topic: 'a', 'random-filter': text }), UsageError);
    });
  }
});

describe('subscription options on the wire', () => {
  const sub = (raw: Record<string, string | boolean>, v: 4 | 5) => subscriptionOptions(parseSubscribeConfig({ topic: 'a', ...raw }, v), v);
  test('MQTT 3.1.1: QoS only', () => {
    assert.deepEqual(sub({ qos: '1', 'no-retained': true }, 4), { qos: 1 });
  });
  test('MQTT 5 -R: retain handling 2, as mosquitto_sub (Options: 0x20)', () => {
    assert.deepEqual(sub({ 'no-retained': true }, 5), { qos: 0, rh: 2 });
  });
  test('MQTT 5 -R --remove-retained: the retained messages must still come, to be cleared', () => {
    assert.deepEqual(sub({ 'no-retained': true, 'remove-retained': true }, 5), { qos: 0 });
  });
  test('MQTT 5 --retain-as-published', () => {
    assert.deepEqual(sub({ 'retain-as-published': true, qos: '2' }, 5), { qos: 2, rap: true });
  });
});

describe('-C below the in-flight default caps the MQTT 5 receive maximum', () => {
  const v5 = parseConnectionConfig({ 'protocol-version': '5' });
  const v311 = parseConnectionConfig({});
  const count = (n: string) => parseSubscribeConfig({ topic: 'a', count: n });
  test('-C 5 under MQTT 5: receive maximum 5 in CONNECT', () => {
    const c = capReceiveMaximum(v5, count('5'));
    assert.equal(c.receiveMaximum, 5);
    assert.equal(toClientOptions(c).properties?.receiveMaximum, 5);
  });
  test('-C 19 is capped, -C 20 is not', () => {
    assert.equal(capReceiveMaximum(v5, count('19')).receiveMaximum, 19);
    assert.equal(capReceiveMaximum(v5, count('20')).receiveMaximum, undefined);
  });
  test('no -C, or MQTT 3.1.1: not sent', () => {
    assert.equal(toClientOptions(capReceiveMaximum(v5, parseSubscribeConfig({ topic: 'a' }))).properties?.receiveMaximum, undefined);
    assert.equal(toClientOptions(capReceiveMaximum(v311, count('1'))).properties, undefined);
  });
  test('a receive maximum set explicitly wins', () => {
    assert.equal(capReceiveMaximum({ ...v5, receiveMaximum: 10 }, count('1')).receiveMaximum, 10);
  });
});
