import type { Packet } from 'mqtt';
import { ProtocolError } from '../errors.js';
import type { SessionClient } from '../session/session.js';

/**
 * Counts QoS 2 messages that the broker answered with PUBACK, QoS 1's acknowledgement (RabbitMQ
 * downgrades QoS 2 to 1 so). MQTT.js takes a PUBACK as completing any publish; the message was
 * delivered, but at least once, not exactly once, which is not what -q 2 asked for.
 */
export function watchQos2Downgrades(client: SessionClient): () => number {
  const awaiting = new Set<number>();
  let downgraded = 0;
  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd === 'publish' && packet.qos === 2 && packet.messageId !== undefined) awaiting.add(packet.messageId);
  });
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd !== 'puback' && packet.cmd !== 'pubrec') return;
    const id = packet.messageId ?? 0;
    if (!awaiting.delete(id)) return;
    if (packet.cmd === 'puback') downgraded++;
  });
  return () => downgraded;
}

/** The error for `count` QoS 2 messages acknowledged as QoS 1, if there were any. */
export function downgradeError(count: number, topic: string): ProtocolError | undefined {
  if (count === 0) return undefined;
  const what = count === 1 ? `the QoS 2 message on '${topic}' was` : `${count} QoS 2 messages on '${topic}' were`;
  return new ProtocolError(
    `protocol error: ${what} acknowledged with PUBACK, as QoS 1: the broker took ${count === 1 ? 'it' : 'them'} at least once, not exactly once; use -q 1 with this broker`,
  );
}
