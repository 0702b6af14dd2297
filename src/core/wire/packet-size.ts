import mqttPacket from 'mqtt-packet';
import type { PublishProperties } from '../config/properties.js';
import type { ProtocolVersion, QoS } from '../config/types.js';

// mqtt-packet's documented switch, the one MQTT.js sets for writeCache: false. Set here too, since
// a size is measured before the client exists: else the first encoding builds a cache of 65,536
// two-byte buffers (~30 MB of heap, and a garbage collection) that a command-line run never needs.
mqttPacket.writeToStream.cacheNumbers = false;

/** The most a remaining length can say (MQTT's variable byte integer, four bytes). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export interface PublishShape {
  topic: string;
  qos: QoS;
  retain: boolean;
  properties?: PublishProperties;
}

function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/**
 * Sizes of PUBLISH packets of one shape, measured with mqtt-packet, the encoder MQTT.js sends
 * with: its packet with an empty payload gives the header, and a payload adds its length (and
 * maybe a byte or three to the remaining length). Checked before connecting, so a message that
 * cannot fit is refused without costing a connection.
 */
export class PublishSizer {
  private readonly headerRemaining: number;

  constructor(shape: PublishShape, protocolVersion: ProtocolVersion) {
    const packet = {
      cmd: 'publish' as const,
      topic: shape.topic,
      payload: Buffer.alloc(0),
      qos: shape.qos,
      retain: shape.retain,
      dup: false,
      ...(shape.qos > 0 ? { messageId: 1 } : {}),
      ...(shape.properties ? { properties: shape.properties } : {}),
    };
    const empty = mqttPacket.generate(packet, { protocolVersion });
    this.headerRemaining = empty.length - 1 - varintLength(empty.length);
  }

  /** Bytes of the whole packet carrying `payloadLength` bytes. */
  size(payloadLength: number): number {
    const remaining = this.headerRemaining + payloadLength;
    return 1 + varintLength(remaining) + remaining;
  }

  /** The largest payload one packet of this shape can carry. */
  get maxPayload(): number {
    return MAX_REMAINING_LENGTH - this.headerRemaining;
  }
}
