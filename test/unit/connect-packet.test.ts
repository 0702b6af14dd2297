// tspub's quick one-shot publish encodes CONNECT and decodes CONNACK itself
// (src/core/connect-packet.ts): checked here against mqtt-packet, MQTT.js's codec.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { parseConnectionConfig, type ConnectionConfig } from '../../src/core/config.js';
import { decodeConnack, encodeConnect } from '../../src/core/connect-packet.js';
import { toClientOptions } from '../../src/core/connect.js';

const RUNS = 2000;

describe('encodeConnect: the bytes MQTT.js sends', () => {
  const config = fc.record({
    protocolVersion: fc.constantFrom(3, 4, 5),
    clientId: fc.string({ maxLength: 30 }),
    keepalive: fc.integer({ min: 0, max: 65535 }),
    cleanSession: fc.boolean(),
    username: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    password: fc.option(fc.string({ maxLength: 20, unit: 'grapheme' }), { nil: undefined }),
  });

  test('for any client id, keepalive, session and credentials, in MQTT 3.1, 3.1.1 and 5', () => {
    fc.assert(
      fc.property(config, (c) => {
        // What parseConnectionConfig never produces: MQTT 3.1 and kept sessions need a client id.
        fc.pre(c.clientId !== '' || (c.protocolVersion !== 3 && c.cleanSession));
        // ... nor, before MQTT 5, a password without a username; MQTT.js cannot send one in MQTT 5
        // either (checked on its own below).
        fc.pre(c.password === undefined || c.username !== undefined);
        const connection = {
          host: 'localhost',
          port: 1883,
          connectTimeoutMs: 10_000,
          ...c,
          ...(c.username === undefined ? {} : { username: c.username }),
          ...(c.password === undefined ? {} : { password: c.password }),
        } as ConnectionConfig;
        if (connection.username === undefined) delete connection.username;
        if (connection.password === undefined) delete connection.password;
        const options = toClientOptions(connection);
        const expected = mqttPacket.generate(
          {
            cmd: 'connect',
            protocolId: options.protocolId!,
            protocolVersion: options.protocolVersion!,
            clientId: options.clientId!,
            clean: options.clean!,
            keepalive: options.keepalive!,
            ...(options.username === undefined ? {} : { username: options.username }),
            ...(options.password === undefined ? {} : { password: Buffer.from(options.password) }),
          } as mqttPacket.IConnectPacket,
          { protocolVersion: options.protocolVersion! },
        );
        assert.equal(encodeConnect(connection).toString('hex'), expected.toString('hex'));
      }),
      { numRuns: RUNS },
    );
  });

  test('MQTT 5: a password without a username (§3.1.2.9), as mosquitto_pub sends it', () => {
    const connection = parseConnectionConfig({ 'protocol-version': '5', id: 'me', pw: 'pw' });
    assert.equal(encodeConnect(connection).toString('hex'), '10' + '13' + '00044d515454' + '05' + '42' + '003c' + '00' + '00026d65' + '00027077');
  });

  test('from the command line: tspub -V 5 -i me -u user -P pw -k 30', () => {
    const connection = parseConnectionConfig({ 'protocol-version': '5', id: 'me', username: 'user', pw: 'pw', keepalive: '30' });
    assert.equal(
      encodeConnect(connection).toString('hex'),
      '10' + '19' + '00044d515454' + '05' + 'c2' + '001e' + '00' + '00026d65' + '000475736572' + '00027077',
    );
  });
});

describe('decodeConnack', () => {
  test('MQTT 3.1.1: session present and return code', () => {
    const packet = mqttPacket.generate({ cmd: 'connack', sessionPresent: true, returnCode: 5 }, { protocolVersion: 4 });
    assert.deepEqual(decodeConnack(packet.subarray(2), 4), { sessionPresent: true, code: 5 });
  });

  test('MQTT 5: every CONNACK property, as MQTT.js names it', () => {
    const properties = {
      sessionExpiryInterval: 1234,
      receiveMaximum: 20,
      maximumQoS: 1,
      retainAvailable: false,
      maximumPacketSize: 200,
      assignedClientIdentifier: 'auto-1',
      topicAliasMaximum: 10,
      reasonString: 'because',
      userProperties: { a: 'b', c: ['d', 'e'] },
      wildcardSubscriptionAvailable: false,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: false,
      serverKeepAlive: 30,
      responseInformation: 'info',
      serverReference: 'other:1883',
      authenticationMethod: 'SCRAM',
      authenticationData: Buffer.from([1, 2, 3]),
    };
    const packet = mqttPacket.generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0x87, properties } as mqttPacket.IConnackPacket, {
      protocolVersion: 5,
    });
    const parsed = mqttPacket.parser({ protocolVersion: 5 });
    let viaMqttPacket: mqttPacket.IConnackPacket | undefined;
    parsed.on('packet', (p) => (viaMqttPacket = p as mqttPacket.IConnackPacket));
    parsed.parse(packet);
    const ours = decodeConnack(packet.subarray(2), 5);
    assert.equal(ours.code, 0x87);
    assert.equal(ours.sessionPresent, false);
    assert.deepEqual(ours.properties, viaMqttPacket!.properties);
  });

  test('a truncated property is an error, not a crash', () => {
    assert.throws(() => decodeConnack(Buffer.from([0, 0, 5, 0x11, 0, 0]), 5), /properties run past the packet/);
    assert.throws(() => decodeConnack(Buffer.from([0, 0, 3, 0x11, 0, 0]), 5), /property runs past the packet/);
    assert.throws(() => decodeConnack(Buffer.from([0]), 5), /too short/);
    assert.throws(() => decodeConnack(Buffer.from([0, 0, 2, 0x7f, 0]), 5), /unknown property/);
  });
});
