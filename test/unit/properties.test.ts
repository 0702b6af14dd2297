import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { parseProperties, propertiesAllowedFor } from '../../src/core/config/properties.js';

const fails = (words: string[][], message: string, commands?: Parameters<typeof parseProperties>[1]): void => {
  assert.throws(
    () => parseProperties(words, commands),
    (err: unknown) => err instanceof UsageError && err.message === message,
  );
};

describe('-D parsing: one typed set per command, MQTT.js names', () => {
  test('every publish property, with its type', () => {
    const set = parseProperties([
      ['publish', 'payload-format-indicator', '1'],
      ['publish', 'message-expiry-interval', '3600'],
      ['publish', 'content-type', 'text/plain'],
      ['publish', 'response-topic', 'resp/t'],
      ['publish', 'correlation-data', 'corr123'],
      ['publish', 'topic-alias', '3'],
      ['publish', 'user-property', 'k', 'v'],
    ]);
    assert.deepEqual(set.publish, {
      payloadFormatIndicator: true,
      messageExpiryInterval: 3600,
      contentType: 'text/plain',
      responseTopic: 'resp/t',
      correlationData: Buffer.from('corr123'),
      topicAlias: 3,
      userProperties: Object.assign(Object.create(null), { k: 'v' }),
    });
    assert.equal(set.connect, undefined);
  });
  test('command and property names are case-insensitive; values are not', () => {
    assert.deepEqual(parseProperties([['PUBLISH', 'Content-Type', 'Text/Plain']]).publish, { contentType: 'Text/Plain' });
  });
  test('user properties accumulate in order; a repeated key keeps every value', () => {
    const set = parseProperties([
      ['connect', 'user-property', 'a', '1'],
      ['connect', 'user-property', 'b', '2'],
      ['connect', 'user-property', 'a', '3'],
    ]);
    assert.deepEqual({ ...set.connect!.userProperties }, { a: ['1', '3'], b: '2' });
  });
  test("a user property named '__proto__' is a plain key", () => {
    const pairs = parseProperties([['publish', 'user-property', '__proto__', 'x']]).publish!.userProperties!;
    assert.deepEqual(Object.getOwnPropertyNames(pairs), ['__proto__']);
  });
  test('connect, will, subscribe, unsubscribe and disconnect sets', () => {
    const set = parseProperties([
      ['connect', 'session-expiry-interval', '60'],
      ['connect', 'receive-maximum', '10'],
      ['connect', 'maximum-packet-size', '1000'],
      ['connect', 'topic-alias-maximum', '0'],
      ['connect', 'request-response-information', '1'],
      ['connect', 'request-problem-information', '0'],
      ['connect', 'authentication-method', 'm'],
      ['connect', 'authentication-data', 'd'],
      ['will', 'will-delay-interval', '5'],
      ['will', 'content-type', 'w'],
      ['subscribe', 'subscription-identifier', '268435455'],
      ['unsubscribe', 'user-property', 'u', 'v'],
      ['disconnect', 'reason-string', 'bye'],
      ['disconnect', 'server-reference', 'other'],
      ['disconnect', 'session-expiry-interval', '0'],
    ]);
    assert.deepEqual(set.connect, {
      sessionExpiryInterval: 60,
      receiveMaximum: 10,
      maximumPacketSize: 1000,
      topicAliasMaximum: 0,
      requestResponseInformation: true,
      requestProblemInformation: false,
      authenticationMethod: 'm',
      authenticationData: Buffer.from('d'),
    });
    assert.deepEqual(set.will, { willDelayInterval: 5, contentType: 'w' });
    assert.deepEqual(set.subscribe, { subscriptionIdentifier: 268435455 });
    assert.deepEqual({ ...set.unsubscribe!.userProperties }, { u: 'v' });
    assert.deepEqual(set.disconnect, { reasonString: 'bye', serverReference: 'other', sessionExpiryInterval: 0 });
  });
  test('the allowed lists follow MQTT 5 (and mosquitto_pub)', () => {
    assert.deepEqual(propertiesAllowedFor('publish'), [
      'payload-format-indicator', 'message-expiry-interval', 'content-type', 'response-topic',
      'correlation-data', 'topic-alias', 'user-property',
    ]);
    assert.deepEqual(propertiesAllowedFor('subscribe'), ['subscription-identifier', 'user-property']);
    assert.deepEqual(propertiesAllowedFor('unsubscribe'), ['user-property']);
  });
});

describe('-D errors', () => {
  test('unknown command, and commands a tool does not send', () => {
    fails([['bogus', 'content-type', 'x']], "-D: unknown command 'bogus' (commands: connect, publish, subscribe, unsubscribe, disconnect, will)");
    fails([['puback', 'reason-string', 'x']], '-D: properties of PUBACK cannot be set (commands: connect, publish, subscribe, unsubscribe, disconnect, will)');
    fails([['subscribe', 'user-property', 'k', 'v']], '-D subscribe: this command sends no SUBSCRIBE packet (commands: connect, publish)', ['connect', 'publish']);
  });
  test('unknown and misplaced properties', () => {
    fails([['publish', 'colour', 'red']], "-D publish: unknown property 'colour'");
    fails([['publish', 'subscription-identifier', '1']], '-D publish: subscription-identifier is not a property of PUBLISH (allowed: payload-format-indicator, message-expiry-interval, content-type, response-topic, correlation-data, topic-alias, user-property)');
    fails([['will', 'topic-alias', '1']], '-D will: topic-alias is not a property of the will (allowed: payload-format-indicator, message-expiry-interval, content-type, response-topic, correlation-data, will-delay-interval, user-property)');
    fails([['connect', 'maximum-qos', '1']], '-D connect: maximum-qos is not a property of CONNECT (allowed: session-expiry-interval, authentication-method, authentication-data, request-problem-information, request-response-information, receive-maximum, topic-alias-maximum, user-property, maximum-packet-size)');
  });
  test('values: ranges and types', () => {
    fails([['publish', 'topic-alias', '0']], "-D publish topic-alias: value must be a whole number from 1 to 65535, not '0'");
    fails([['publish', 'topic-alias', '65536']], "-D publish topic-alias: value must be a whole number from 1 to 65535, not '65536'");
    fails([['connect', 'receive-maximum', '0']], "-D connect receive-maximum: value must be a whole number from 1 to 65535, not '0'");
    fails([['publish', 'message-expiry-interval', '4294967296']], "-D publish message-expiry-interval: value must be a whole number from 0 to 4294967295, not '4294967296'");
    fails([['publish', 'message-expiry-interval', 'abc']], "-D publish message-expiry-interval: value must be a whole number from 0 to 4294967295, not 'abc'");
    fails([['publish', 'message-expiry-interval', '-1']], "-D publish message-expiry-interval: value must be a whole number from 0 to 4294967295, not '-1'");
    fails([['subscribe', 'subscription-identifier', '268435456']], "-D subscribe subscription-identifier: value must be a whole number from 1 to 268435455, not '268435456'");
    fails([['publish', 'payload-format-indicator', '2']], "-D publish payload-format-indicator: value must be 0 or 1, not '2'");
    fails([['publish', 'response-topic', 'a/+']], "-D publish response-topic: invalid response topic 'a/+': wildcards '+' and '#' are only for subscriptions");
    fails([['publish', 'correlation-data', 'x'.repeat(65536)]], '-D publish correlation-data: value is longer than 65535 bytes');
    fails([['publish', 'content-type', 'a\u0000b']], '-D publish content-type: value must not contain U+0000');
    fails([['publish', 'user-property', 'k\u0000', 'v']], '-D publish user-property: key must not contain U+0000');
  });
  test('a property other than user-property may be given once per command', () => {
    fails([['publish', 'content-type', 'a'], ['publish', 'content-type', 'b']], '-D publish content-type: given more than once');
    assert.doesNotThrow(() => parseProperties([['publish', 'content-type', 'a'], ['will', 'content-type', 'b']]));
  });
  test('word counts (the argv normaliser guarantees them; the core still checks)', () => {
    fails([['publish', 'content-type']], '-D needs COMMAND PROPERTY VALUE, got 2 words');
    fails([['publish', 'user-property', 'k']], '-D needs COMMAND user-property KEY VALUE, got 3 words');
  });
});
