import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDisconnectPacket } from 'mqtt';
import { parseConnectionConfig } from '../../src/core/config/connection.js';
import { ConnackError, ConnectError, RejectedError } from '../../src/core/errors.js';
import { Reconnector, retryable } from '../../src/core/session/reconnect.js';
import { lossReason } from '../../src/core/session/loss.js';

describe('reconnect back-off', () => {
  test('1 s, doubling to at most 30 s; a connection that comes up starts over', () => {
    const r = new Reconnector();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      delays.push(r.delaySec());
      r.attempted();
      r.failed();
    }
    assert.deepEqual(delays, [1, 2, 4, 8, 16, 30, 30, 30]);
    assert.equal(r.lost('id'), undefined);
    assert.equal(r.delaySec(), 1);
  });

  test('three losses in a row right after one-attempt reconnects look like a fight over the id', () => {
    const r = new Reconnector();
    assert.equal(r.lost('me'), undefined);
    for (let i = 0; i < 2; i++) {
      r.attempted();
      assert.equal(r.lost('me'), undefined);
    }
    r.attempted();
    assert.equal(
      r.lost('me'),
      "closed 3 times in a row right after reconnecting: is another client using the client id 'me'? Not reconnecting",
    );
  });

  test('a reconnect that needed several attempts (the broker was down) resets the count', () => {
    const r = new Reconnector();
    r.lost('me');
    r.attempted();
    r.lost('me');
    r.attempted();
    r.lost('me');
    r.attempted();
    r.failed();
    r.attempted();
    assert.equal(r.lost('me'), undefined);
  });

  test('only transport failures and "come back later" refusals are retried', () => {
    assert.equal(retryable(new ConnectError('refused')), true);
    for (const code of [3, 136, 137, 159]) assert.equal(retryable(new ConnackError('x', code)), true, String(code));
    for (const code of [4, 5, 134, 135, 138]) assert.equal(retryable(new ConnackError('x', code)), false, String(code));
    assert.equal(retryable(new RejectedError('x')), false);
  });
});

describe('why the connection ended', () => {
  const v5 = parseConnectionConfig({ 'protocol-version': '5', id: 'me', keepalive: '10' }, 1);
  const disconnect = (reasonCode: number, reasonString?: string): IDisconnectPacket =>
    ({ cmd: 'disconnect', reasonCode, ...(reasonString ? { properties: { reasonString } } : {}) }) as IDisconnectPacket;

  test('session taken over (142) names the client id and is final', () => {
    assert.deepEqual(lossReason({ disconnect: disconnect(142) }, v5), {
      text: "the broker disconnected us: session taken over (reason code 142): another client connected with the client id 'me'",
      final: true,
      protocol: false,
    });
  });
  test("other reason codes are final, with the broker's words", () => {
    assert.deepEqual(lossReason({ disconnect: disconnect(152, 'kicked') }, v5), {
      text: 'the broker disconnected us: administrative action (reason code 152) (the broker says: "kicked")',
      final: true,
      protocol: false,
    });
  });
  test('server shutting down (139) is reconnected', () => {
    assert.equal(lossReason({ disconnect: disconnect(139) }, v5).final, false);
  });
  test('keepalive expiry and a plain close', () => {
    assert.deepEqual(lossReason({ keepalive: true }, v5), {
      text: 'keepalive expired: the broker did not answer PINGREQ (nothing received for 15 s, keepalive 10 s)',
      final: false,
      protocol: false,
    });
    assert.deepEqual(lossReason({}, v5), { text: 'the broker closed the connection', final: false, protocol: false });
  });
  test('a reset, and a packet that is not MQTT (final: a protocol error)', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.deepEqual(lossReason({ error: reset }, v5), { text: 'the broker reset the connection', final: false, protocol: false });
    assert.deepEqual(lossReason({ error: new Error('Invalid variable byte integer') }, v5), {
      text: 'the broker sent something that is not MQTT (Invalid variable byte integer)',
      final: true,
      protocol: true,
    });
  });
});
