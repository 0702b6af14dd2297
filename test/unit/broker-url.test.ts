import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBrokerUrl, redactUrl } from '../../src/core/config/broker-url.js';
import { parseProxyUrl } from '../../src/core/config/proxy-url.js';

describe('-L URL', () => {
  test('all the parts', () => {
    assert.deepEqual(parseBrokerUrl('mqtts://alice:s3:cret@broker.example:8884/a/b/#'), {
      scheme: 'mqtts', host: 'broker.example', port: 8884, username: 'alice', password: 's3:cret', topic: 'a/b/#',
    });
  });
  test('scheme is case-insensitive; user without password; no port; no topic', () => {
    assert.deepEqual(parseBrokerUrl('WSS://bob@h'), { scheme: 'wss', host: 'h', username: 'bob' });
  });
  test('a password may contain @ (the last @ ends the user info); nothing is %-decoded', () => {
    assert.deepEqual(parseBrokerUrl('mqtt://u:p@ss%40@h:1/t'), { scheme: 'mqtt', host: 'h', port: 1, username: 'u', password: 'p@ss%40', topic: 't' });
  });
  test('IPv6 in brackets', () => {
    assert.deepEqual(parseBrokerUrl('mqtt://[::1]:1884/t'), { scheme: 'mqtt', host: '::1', port: 1884, topic: 't' });
  });
  test('redaction hides only the password', () => {
    assert.equal(redactUrl('mqtt://u:secret@h:1/t'), 'mqtt://u:***@h:1/t');
    assert.equal(redactUrl('mqtt://u@h:1/t'), 'mqtt://u@h:1/t');
    assert.equal(redactUrl('not a url'), 'not a url');
  });
});

describe('--proxy URL', () => {
  test('defaults to port 1080; %-decodes user and password', () => {
    assert.deepEqual(parseProxyUrl('socks5h://proxy'), { host: 'proxy', port: 1080 });
    assert.deepEqual(parseProxyUrl('socks5h://us%3Aer:p%40ss%25w@127.0.0.1:9050'), { host: '127.0.0.1', port: 9050, username: 'us:er', password: 'p@ss%w' });
  });
  test('a user without a password gets an empty one (mosquitto crashes here)', () => {
    assert.deepEqual(parseProxyUrl('socks5h://bob@h:1'), { host: 'h', port: 1, username: 'bob', password: '' });
  });
});
