import type { QoS } from './config.js';
import type { PublishProperties, UserProperties } from './properties.js';

/**
 * PUBLISH and PUBREL encoding for the -l stream (MQTT 3.1.1 §3.3, MQTT 5 §3.3 and §3.6). Every
 * line of a stream shares topic, flags and properties, so that part is encoded once and each
 * message costs a header, a packet id and a copy of its payload; a batch of messages is one
 * buffer and one socket write. MQTT.js's publish() is far slower per message (a deep copy for
 * its store, several small writes, debug calls); it still handles everything else.
 */

const PUBLISH = 0x30;
/** The largest remaining length a packet can state (four varint bytes). */
export const MAX_REMAINING_LENGTH = 268_435_455;
const PUBREL = 0x62;

export function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4;
}

/** `n` is at most MAX_REMAINING_LENGTH, so 32-bit operators are exact. */
export function writeVarint(target: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    target[offset++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  target[offset++] = n;
  return offset;
}

/** MQTT's length-prefixed string / binary data. */
function prefixed(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + data.length);
  out.writeUInt16BE(data.length, 0);
  data.copy(out, 2);
  return out;
}

const utf8 = (text: string): Buffer => prefixed(Buffer.from(text, 'utf8'));

function userPropertyBytes(pairs: UserProperties): Buffer[] {
  const parts: Buffer[] = [];
  for (const key of Object.getOwnPropertyNames(pairs)) {
    const values = pairs[key]!;
    for (const value of Array.isArray(values) ? values : [values]) {
      parts.push(Buffer.from([0x26]), utf8(key), utf8(value));
    }
  }
  return parts;
}

/** The property section of a PUBLISH: its length as a varint, then the properties. */
export function encodePublishProperties(properties: PublishProperties | undefined): Buffer {
  const parts: Buffer[] = [];
  const p = properties ?? {};
  if (p.payloadFormatIndicator !== undefined) parts.push(Buffer.from([0x01, p.payloadFormatIndicator ? 1 : 0]));
  if (p.messageExpiryInterval !== undefined) {
    const b = Buffer.alloc(5);
    b[0] = 0x02;
    b.writeUInt32BE(p.messageExpiryInterval, 1);
    parts.push(b);
  }
  if (p.contentType !== undefined) parts.push(Buffer.from([0x03]), utf8(p.contentType));
  if (p.responseTopic !== undefined) parts.push(Buffer.from([0x08]), utf8(p.responseTopic));
  if (p.correlationData !== undefined) parts.push(Buffer.from([0x09]), prefixed(p.correlationData));
  if (p.topicAlias !== undefined) {
    const b = Buffer.alloc(3);
    b[0] = 0x23;
    b.writeUInt16BE(p.topicAlias, 1);
    parts.push(b);
  }
  if (p.userProperties) parts.push(...userPropertyBytes(p.userProperties));
  const body = Buffer.concat(parts);
  const out = Buffer.allocUnsafe(varintLength(body.length) + body.length);
  body.copy(out, writeVarint(out, 0, body.length));
  return out;
}

/**
 * A payload up to this long is copied byte by byte: Buffer.copy goes through several JavaScript
 * layers per call, which before the JIT has compiled the -l loop cost more than the copy.
 */
const SHORT_PAYLOAD = 32;

/** Encodes PUBLISH packets that differ only in packet id and payload. */
export class PublishEncoder {
  private readonly header: number;
  private readonly topic: Buffer;
  private readonly properties: Buffer;
  private readonly hasId: boolean;
  /** Remaining length without the payload: topic, packet id, properties. */
  private readonly fixed: number;

  constructor(topic: string, qos: QoS, retain: boolean, protocolVersion: number, properties?: PublishProperties) {
    this.header = PUBLISH | (qos << 1) | (retain ? 1 : 0);
    this.topic = utf8(topic);
    this.properties = protocolVersion === 5 ? encodePublishProperties(properties) : Buffer.alloc(0);
    this.hasId = qos > 0;
    this.fixed = this.topic.length + (this.hasId ? 2 : 0) + this.properties.length;
  }

  /** The largest payload that fits in one packet with this topic, packet id and properties. */
  get maxPayload(): number {
    return MAX_REMAINING_LENGTH - this.fixed;
  }

  /** Bytes of the whole packet for a payload of this length. */
  size(payloadLength: number): number {
    const remaining = this.fixed + payloadLength;
    return 1 + varintLength(remaining) + remaining;
  }

  /**
   * Writes one packet at `offset`, with `source[start, end)` as payload (room for size() bytes
   * must be there); returns where it ends.
   */
  encodeInto(target: Buffer, offset: number, packetId: number, source: Buffer, start = 0, end = source.length): number {
    target[offset++] = this.header;
    offset = writeVarint(target, offset, this.fixed + (end - start));
    // set(), unlike Buffer.copy, is one built-in call.
    target.set(this.topic, offset);
    offset += this.topic.length;
    if (this.hasId) {
      target[offset++] = packetId >> 8;
      target[offset++] = packetId & 0xff;
    }
    if (this.properties.length > 0) {
      target.set(this.properties, offset);
      offset += this.properties.length;
    }
    if (end - start > SHORT_PAYLOAD) return offset + source.copy(target, offset, start, end);
    for (let i = start; i < end; i++) target[offset++] = source[i]!;
    return offset;
  }
}

/** PUBREL for a packet id; the short form (reason code 0, no properties) is valid in MQTT 5 too. */
export function encodePubrel(packetId: number): Buffer {
  return Buffer.from([PUBREL, 2, packetId >> 8, packetId & 0xff]);
}
