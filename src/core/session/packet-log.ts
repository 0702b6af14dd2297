import type { Packet } from 'mqtt';

/**
 * One line per packet for -d, modelled on libmosquitto's log lines. It never includes the
 * password field of CONNECT, and payloads are summarised by length only.
 */
export function describePacket(direction: 'sending' | 'received', packet: Packet, clientId: string): string {
  const who = `Client ${clientId === '' ? '(null)' : clientId} ${direction}`;
  switch (packet.cmd) {
    case 'connect': {
      const parts = [`v${packet.protocolVersion ?? 4}`, `c${packet.clean ? 1 : 0}`, `k${packet.keepalive ?? 0}`];
      if (packet.username !== undefined) parts.push(`u'${packet.username}'`);
      if (packet.password !== undefined) parts.push('p(hidden)');
      if (packet.will) parts.push(`will '${packet.will.topic}' q${packet.will.qos} r${packet.will.retain ? 1 : 0}`);
      return `${who} CONNECT (${parts.join(', ')})`;
    }
    case 'connack':
      return `${who} CONNACK (${packet.reasonCode ?? packet.returnCode ?? 0})`;
    case 'publish':
      return `${who} PUBLISH (d${packet.dup ? 1 : 0}, q${packet.qos}, r${packet.retain ? 1 : 0}, m${packet.messageId ?? 0}, '${packet.topic === '' ? '(null)' : packet.topic}', ... (${payloadLength(packet.payload)} bytes))`;
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return `${who} ${packet.cmd.toUpperCase()} (Mid: ${packet.messageId}, RC:${packet.reasonCode ?? 0})`;
    case 'subscribe':
      return `${who} SUBSCRIBE (Mid: ${packet.messageId}, ${packet.subscriptions.map((s) => `Topic: ${s.topic}, QoS: ${s.qos}`).join('; ')})`;
    case 'suback':
      return `${who} SUBACK (Mid: ${packet.messageId}, granted: ${packet.granted.join(', ')})`;
    case 'unsubscribe':
      return `${who} UNSUBSCRIBE (Mid: ${packet.messageId}, ${packet.unsubscriptions.join(', ')})`;
    case 'disconnect':
      return `${who} DISCONNECT${packet.reasonCode ? ` (${packet.reasonCode})` : ''}`;
    default:
      return `${who} ${packet.cmd.toUpperCase()}`;
  }
}

function payloadLength(payload: string | Buffer): number {
  return typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
}
