import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { parsePublishConfig } from '../../src/core/config/publish.js';
import { parseSubscribeConfig } from '../../src/core/config/subscribe.js';
import { PUBLISHER_PROPERTY_COMMANDS, SUBSCRIBER_PROPERTY_COMMANDS } from '../../src/core/config/types.js';
import { WORD_SEPARATOR, type RawOptions } from '../../src/core/config/raw-options.js';
import { UsageError } from '../../src/core/errors.js';

const PID = 4242;

describe('connection config', () => {
  test('defaults match mosquitto: localhost:1883, MQTT 3.1.1, keepalive 60, clean, broker-assigned id', () => {
    const c = parseConnectionConfig({}, PID);
    assert.deepEqual(c, {
      host: 'localhost',
      port: 1883,
      clientId: '',
      keepalive: 60,
      cleanSession: true,
      protocolVersion: 4,
      connectTimeoutMs: 10000,
    });
  });
  test('--connect-timeout SECONDS, fractions allowed', () => {
    assert.equal(parseConnectionConfig({ 'connect-timeout': '2.5' }, PID).connectTimeoutMs, 2500);
  });
  test('the last occurrence of a scalar option wins', () => {
    assert.equal(parseConnectionConfig({ port: ['1', '2000'] }, PID).port, 2000);
  });
  test('-V spellings', () => {
    for (const [text, v] of [['31', 3], ['mqttv31', 3], ['311', 4], ['mqttv311', 4], ['5', 5], ['mqttv5', 5]] as const) {
      assert.equal(parseConnectionConfig({ 'protocol-version': text, id: 'x' }, PID).protocolVersion, v);
    }
  });
  test('-I makes the id from the prefix and the pid', () => {
    assert.equal(parseConnectionConfig({ 'id-prefix': 'pre-' }, PID).clientId, 'pre-4242');
  });
  test('MQTT 3.1 without -i gets a generated id of at most 23 characters', () => {
    const id = parseConnectionConfig({ 'protocol-version': '31' }, PID).clientId;
    assert.match(id, /^tsmqtt-[0-9a-f]{16}$/);
  });
  test('-c under MQTT 5 means a session that never expires', () => {
    const c = parseConnectionConfig({ 'protocol-version': '5', 'disable-clean-session': true, id: 'a' }, PID);
    assert.equal(c.cleanSession, false);
    assert.equal(c.sessionExpiry, 0xffffffff);
  });
  test('-x -1 and -x ∞ mean never; -x 0 sends nothing', () => {
    const base: RawOptions = { 'protocol-version': '5', id: 'a' };
    assert.equal(parseConnectionConfig({ ...base, 'session-expiry-interval': '-1' }, PID).sessionExpiry, 0xffffffff);
    assert.equal(parseConnectionConfig({ ...base, 'session-expiry-interval': '∞' }, PID).sessionExpiry, 0xffffffff);
    assert.equal(parseConnectionConfig({ ...base, 'session-expiry-interval': '0' }, PID).sessionExpiry, undefined);
  });
  test('-x with -c but no id is fine when the session expires', () => {
    const c = parseConnectionConfig(
      { 'protocol-version': '5', 'disable-clean-session': true, 'session-expiry-interval': '30' },
      PID,
    );
    assert.equal(c.sessionExpiry, 30);
  });
  test('will defaults: empty payload, QoS 0, not retained', () => {
    const c = parseConnectionConfig({ 'will-topic': 'w' }, PID);
    assert.deepEqual(c.will, { topic: 'w', payload: Buffer.alloc(0), qos: 0, retain: false });
  });
  test('a password needs a user, in MQTT 5 too (MQTT.js sends none without one)', () => {
    assert.throws(() => parseConnectionConfig({ 'protocol-version': '5', pw: 's' }, PID), /needs a username/);
    assert.throws(() => parseConnectionConfig({ pw: 's' }, PID), UsageError);
    assert.equal(parseConnectionConfig({ 'protocol-version': '5', pw: 's', username: 'u' }, PID).password, 's');
  });
  const bad: Array<[RawOptions, RegExp]> = [
    [{ port: '0' }, /port/],
    [{ port: '1.5' }, /port/],
    [{ port: ' ' }, /port/],
    [{ keepalive: '0' }, /keepalive/],
    [{ host: '' }, /host/],
    [{ 'protocol-version': '3' }, /protocol version/],
    [{ 'disable-clean-session': true }, /needs a client id/],
    [{ id: '' }, /must not be empty/],
    [{ 'session-expiry-interval': '5' }, /MQTT 5 feature/],
    [{ 'protocol-version': '5', 'session-expiry-interval': '4294967296' }, /session expiry/],
    [{ 'protocol-version': '5', 'session-expiry-interval': '-1' }, /never expires needs a client id/],
    [{ 'will-topic': '' }, /must not be empty/],
  ];
  for (const [raw, why] of bad) {
    test(`refuses ${JSON.stringify(raw)}`, () => {
      assert.throws(() => parseConnectionConfig(raw, PID), (e: unknown) => e instanceof UsageError && why.test(e.message));
    });
  }
});

describe('publish config', () => {
  test('-m is taken as UTF-8 bytes', () => {
    const c = parsePublishConfig({ topic: 't', message: 'é' });
    assert.deepEqual(c.source, { kind: 'message', payload: Buffer.from([0xc3, 0xa9]) });
  });
  test('-m "" is an empty message, not a missing one', () => {
    assert.deepEqual(parsePublishConfig({ topic: 't', message: '' }).source, { kind: 'message', payload: Buffer.alloc(0) });
  });
  test('-n, -f, -s', () => {
    assert.deepEqual(parsePublishConfig({ topic: 't', 'null-message': true }).source, { kind: 'null' });
    assert.deepEqual(parsePublishConfig({ topic: 't', file: 'f' }).source, { kind: 'file', path: 'f' });
    assert.deepEqual(parsePublishConfig({ topic: 't', 'stdin-file': true }).source, { kind: 'stdin' });
  });
  test('boolean options yargs reports as false do not count as a source', () => {
    const c = parsePublishConfig({ topic: 't', message: 'x', 'null-message': false, 'stdin-file': false });
    assert.equal(c.source.kind, 'message');
  });
  test('retain and QoS', () => {
    const c = parsePublishConfig({ topic: 't', message: 'x', retain: true, qos: '2' });
    assert.equal(c.retain, true);
    assert.equal(c.qos, 2);
  });
});

describe('subscribe config', () => {
  test('topics accumulate; flags map', () => {
    const c = parseSubscribeConfig({ topic: ['a', 'b/#'], count: '3', timeout: '1.5', 'no-retained': true });
    assert.deepEqual(c.filters, ['a', 'b/#']);
    assert.equal(c.count, 3);
    assert.equal(c.timeoutSec, 1.5);
    assert.equal(c.noRetained, true);
  });
  for (const t of ['abc', '0', '-2', '1e3', '']) {
    test(`-W '${t}' is refused`, () => assert.throws(() => parseSubscribeConfig({ topic: 'a', timeout: t }), UsageError));
  }
});

describe('-D in the configs', () => {
  const D = (...lists: string[][]): RawOptions => ({ property: lists.map((w) => w.join(WORD_SEPARATOR)) });
  test('-D alone selects MQTT 5, as in mosquitto_pub', () => {
    const c = parseConnectionConfig({ ...D(['connect', 'receive-maximum', '5']) }, PID);
    assert.equal(c.protocolVersion, 5);
    assert.deepEqual(c.properties, { receiveMaximum: 5 });
  });
  test('-D with an explicit MQTT 3 version is a usage error', () => {
    for (const v of ['31', '311', 'mqttv311']) {
      assert.throws(
        () => parseConnectionConfig({ 'protocol-version': v, ...D(['publish', 'content-type', 'x']) }, PID),
        (e: unknown) => e instanceof UsageError && e.message === `MQTT 5 properties (-D) need MQTT 5, not -V ${v}: use -V 5`,
      );
    }
  });
  test('-D connect session-expiry-interval is the session expiry, like -x', () => {
    const c = parseConnectionConfig({ id: 'a', ...D(['connect', 'session-expiry-interval', '60']) }, PID);
    assert.equal(c.sessionExpiry, 60);
    assert.equal(c.properties, undefined);
    assert.throws(
      () => parseConnectionConfig({ 'session-expiry-interval': '5', ...D(['connect', 'session-expiry-interval', '5']) }, PID),
      /not both/,
    );
  });
  test('will properties ride on the will; they need a will', () => {
    const c = parseConnectionConfig({ 'will-topic': 'w', ...D(['will', 'will-delay-interval', '10']) }, PID);
    assert.deepEqual(c.will?.properties, { willDelayInterval: 10 });
    assert.throws(() => parseConnectionConfig(D(['will', 'will-delay-interval', '10']), PID), /no will topic/);
  });
  test('DISCONNECT may not extend a session that was to end at disconnect', () => {
    assert.throws(() => parseConnectionConfig(D(['disconnect', 'session-expiry-interval', '10']), PID), /forbids/);
    const ok = parseConnectionConfig(
      { 'session-expiry-interval': '5', ...D(['disconnect', 'session-expiry-interval', '10'], ['disconnect', 'reason-string', 'bye']) },
      PID,
    );
    assert.deepEqual(ok.disconnectProperties, { sessionExpiryInterval: 10, reasonString: 'bye' });
  });
  test('each tool takes the commands of the packets it sends', () => {
    const raw = { topic: 't', message: 'x', ...D(['publish', 'content-type', 'a']) };
    assert.deepEqual(parsePublishConfig(raw).properties, { contentType: 'a' });
    assert.throws(() => parseSubscribeConfig({ topic: 't', ...D(['publish', 'content-type', 'a']) }), /sends no PUBLISH/);
    assert.throws(() => parsePublishConfig({ topic: 't', message: 'x', ...D(['subscribe', 'subscription-identifier', '1']) }), /sends no SUBSCRIBE/);
    assert.throws(
      () => parseConnectionConfig(D(['subscribe', 'subscription-identifier', '1']), PID, PUBLISHER_PROPERTY_COMMANDS),
      /sends no SUBSCRIBE/,
    );
    const sub = parseSubscribeConfig({ topic: 't', ...D(['subscribe', 'subscription-identifier', '9'], ['unsubscribe', 'user-property', 'k', 'v']) });
    assert.deepEqual(sub.properties, { subscriptionIdentifier: 9 });
    assert.deepEqual({ ...sub.unsubscribeProperties?.userProperties }, { k: 'v' });
    assert.doesNotThrow(() => parseConnectionConfig(D(['subscribe', 'subscription-identifier', '1']), PID, SUBSCRIBER_PROPERTY_COMMANDS));
  });
});

describe('tspub streaming and repeat options', () => {
  test('-l is a message source like the others', () => {
    assert.deepEqual(parsePublishConfig({ topic: 't', 'stdin-line': true }).source, { kind: 'lines' });
    assert.throws(() => parsePublishConfig({ topic: 't', 'stdin-line': true, 'stdin-file': true }), /only one message source: one of -m, -n, -f, -s, -l/);
  });
  test('defaults: one message, no delay; 100 in flight at QoS 1, 20 at QoS 2 (as mosquitto_pub)', () => {
    const c = parsePublishConfig({ topic: 't', message: 'x' });
    assert.deepEqual([c.repeat, c.repeatDelayMs], [1, 0]);
    assert.equal(parsePublishConfig({ topic: 't', 'stdin-line': true, qos: '1' }).maxInflight, 100);
    assert.equal(parsePublishConfig({ topic: 't', 'stdin-line': true, qos: '2' }).maxInflight, 20);
    assert.equal(parsePublishConfig({ topic: 't', 'stdin-line': true, qos: '2', 'max-inflight': '7' }).maxInflight, 7);
  });
  test('--repeat, --repeat-delay (fractions, 0 allowed), -M', () => {
    const c = parsePublishConfig({ topic: 't', message: 'x', repeat: '3', 'repeat-delay': '0.25', 'max-inflight': '65535' });
    assert.deepEqual([c.repeat, c.repeatDelayMs, c.maxInflight], [3, 250, 65535]);
    assert.equal(parsePublishConfig({ topic: 't', message: 'x', 'repeat-delay': '0' }).repeatDelayMs, 0);
  });
  const bad: Array<[RawOptions, string]> = [
    [{ repeat: '0' }, "repeat count (--repeat) must be a whole number of at least 1, not '0'"],
    [{ repeat: '1.5' }, "repeat count (--repeat) must be a whole number of at least 1, not '1.5'"],
    [{ 'repeat-delay': '-1' }, "repeat delay (--repeat-delay) must be a number of seconds of at least 0, not '-1'"],
    [{ 'repeat-delay': 'soon' }, "repeat delay (--repeat-delay) must be a number of seconds of at least 0, not 'soon'"],
    [{ 'max-inflight': '0' }, "maximum in-flight messages (-M) must be a whole number from 1 to 65535, not '0'"],
    [{ 'max-inflight': '65536' }, "maximum in-flight messages (-M) must be a whole number from 1 to 65535, not '65536'"],
    [{ 'stdin-line': true, message: undefined, repeat: '2' }, '--repeat cannot be combined with -l (each line is one message)'],
  ];
  for (const [raw, message] of bad) {
    test(`refuses ${JSON.stringify(raw)}`, () => {
      const base: RawOptions = raw['stdin-line'] ? { topic: 't' } : { topic: 't', message: 'x' };
      assert.throws(() => parsePublishConfig({ ...base, ...raw }), (e: unknown) => e instanceof UsageError && e.message === message);
    });
  }
});
