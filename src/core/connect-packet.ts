import type { IConnackPacket } from 'mqtt';
import type { ConnectionConfig } from './config.js';
import { varintLength, writeVarint } from './packets.js';

/**
 * CONNECT encoding and CONNACK decoding for the quick one-shot publish (quick-publish.ts): MQTT
 * 3.1 §3.1, 3.1.1 §3.1-3.2, 5.0 §3.1-3.2, for a connection without will or CONNECT properties.
 * The bytes are those MQTT.js sends for the same configuration (test/e2e/quick-publish.test.ts
 * compares them on the wire).
 */

function prefixedLength(data: Buffer): number {
  return 2 + data.length;
}

function writePrefixed(target: Buffer, offset: number, data: Buffer): number {
  offset = target.writeUInt16BE(data.length, offset);
  return offset + data.copy(target, offset);
}

/** CONNECT for `config`, which must have no will, no CONNECT properties and no session expiry. */
export function encodeConnect(config: ConnectionConfig): Buffer {
  const v5 = config.protocolVersion === 5;
  const name = Buffer.from(config.protocolVersion === 3 ? 'MQIsdp' : 'MQTT');
  const clientId = Buffer.from(config.clientId, 'utf8');
  const username = config.username === undefined ? undefined : Buffer.from(config.username, 'utf8');
  const password = config.password === undefined ? undefined : Buffer.from(config.password, 'utf8');
  const remaining =
    prefixedLength(name) +
    4 + // version, flags, keepalive
    (v5 ? 1 : 0) + // an empty property section
    prefixedLength(clientId) +
    (username ? prefixedLength(username) : 0) +
    (password ? prefixedLength(password) : 0);
  const packet = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
  packet[0] = 0x10;
  let at = writeVarint(packet, 1, remaining);
  at = writePrefixed(packet, at, name);
  packet[at++] = config.protocolVersion;
  packet[at++] = (username ? 0x80 : 0) | (password ? 0x40 : 0) | (config.cleanSession ? 0x02 : 0);
  at = packet.writeUInt16BE(config.keepalive, at);
  if (v5) packet[at++] = 0;
  at = writePrefixed(packet, at, clientId);
  if (username) at = writePrefixed(packet, at, username);
  if (password) writePrefixed(packet, at, password);
  return packet;
}

export type ConnackProperties = NonNullable<IConnackPacket['properties']>;

export interface Connack {
  sessionPresent: boolean;
  /** The return code (3.1, 3.1.1) or reason code (5); 0 is success. */
  code: number;
  /** MQTT 5 only, with MQTT.js's names, so that the checks made on MQTT.js's CONNACK apply. */
  properties?: ConnackProperties;
}

/** A CONNACK the broker sent that does not follow the protocol. */
export class MalformedPacketError extends Error {}

/** Decodes the variable header of a CONNACK (the bytes after the remaining length). */
export function decodeConnack(body: Buffer, protocolVersion: number): Connack {
  if (body.length < 2) throw new MalformedPacketError('CONNACK too short');
  const connack: Connack = { sessionPresent: (body[0]! & 1) === 1, code: body[1]! };
  if (protocolVersion === 5 && body.length > 2) connack.properties = decodeConnackProperties(body, 2);
  return connack;
}

/** MQTT 5 §3.2.2.3: the properties a CONNACK may carry, read into MQTT.js's field names. */
function decodeConnackProperties(body: Buffer, start: number): ConnackProperties {
  let at = start;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= body.length || shift > 21) throw new MalformedPacketError('CONNACK property length is malformed');
    const byte = body[at++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  const end = at + length;
  if (end > body.length) throw new MalformedPacketError('CONNACK properties run past the packet');
  const properties: Record<string, unknown> = {};
  const need = (n: number): void => {
    if (at + n > end) throw new MalformedPacketError('CONNACK property runs past the packet');
  };
  const u8 = (): number => (need(1), body[at++]!);
  const u16 = (): number => (need(2), (at += 2), body.readUInt16BE(at - 2));
  const u32 = (): number => (need(4), (at += 4), body.readUInt32BE(at - 4));
  const bytes = (): Buffer => {
    const n = u16();
    need(n);
    at += n;
    return body.subarray(at - n, at);
  };
  const text = (): string => bytes().toString('utf8');
  while (at < end) {
    const id = u8();
    switch (id) {
      case 0x11: properties['sessionExpiryInterval'] = u32(); break;
      case 0x21: properties['receiveMaximum'] = u16(); break;
      case 0x24: properties['maximumQoS'] = u8(); break;
      case 0x25: properties['retainAvailable'] = u8() === 1; break;
      case 0x27: properties['maximumPacketSize'] = u32(); break;
      case 0x12: properties['assignedClientIdentifier'] = text(); break;
      case 0x22: properties['topicAliasMaximum'] = u16(); break;
      case 0x1f: properties['reasonString'] = text(); break;
      case 0x26: {
        const key = text();
        const value = text();
        // Null prototype, as MQTT.js's: a key named __proto__ is just a key.
        const users = (properties['userProperties'] ??= Object.create(null)) as Record<string, string | string[]>;
        const before = users[key];
        users[key] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
        break;
      }
      case 0x28: properties['wildcardSubscriptionAvailable'] = u8() === 1; break;
      case 0x29: properties['subscriptionIdentifiersAvailable'] = u8() === 1; break;
      case 0x2a: properties['sharedSubscriptionAvailable'] = u8() === 1; break;
      case 0x13: properties['serverKeepAlive'] = u16(); break;
      case 0x1a: properties['responseInformation'] = text(); break;
      case 0x1c: properties['serverReference'] = text(); break;
      case 0x15: properties['authenticationMethod'] = text(); break;
      case 0x16: properties['authenticationData'] = bytes(); break;
      default:
        throw new MalformedPacketError(`CONNACK carries unknown property 0x${id.toString(16)}`);
    }
  }
  return properties as ConnackProperties;
}
