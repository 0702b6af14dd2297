import type { IDisconnectPacket } from 'mqtt';
import type { ConnectionConfig } from '../config/types.js';
import { reasonText } from './reason-codes.js';

/** How a connection ended, as far as the client could see (SessionClient keeps one per connection). */
export interface Ending {
  /** The broker's MQTT 5 DISCONNECT, if it sent one. */
  disconnect?: IDisconnectPacket;
  /** MQTT.js gave up waiting for PINGRESP. */
  keepalive?: boolean;
  /** What broke the connection: the transport (with a system code) or a malformed packet (without). */
  error?: Error & { code?: unknown };
}

export interface Loss {
  text: string;
  /** Reconnecting would be wrong: the broker ended the connection on purpose, or broke the protocol. */
  final: boolean;
  /** The broker sent something that is not MQTT. */
  protocol: boolean;
}

function disconnected(packet: IDisconnectPacket, connection: ConnectionConfig): Loss {
  const code = packet.reasonCode ?? 0;
  const said = packet.properties?.reasonString;
  const words = said ? ` (the broker says: "${said}")` : '';
  if (code === 142) {
    const text = `the broker disconnected us: session taken over (reason code 142): another client connected with the client id '${connection.clientId}'${words}`;
    return { text, final: true, protocol: false };
  }
  // Shutting down, busy, or quota: worth another try later.
  return { text: `the broker disconnected us: ${reasonText(code)} (reason code ${code})${words}`, final: ![139, 137, 159].includes(code), protocol: false };
}

/** Words for why the connection ended, the same for tspub and tssub. */
export function lossReason(ending: Ending, connection: ConnectionConfig): Loss {
  if (ending.disconnect) return disconnected(ending.disconnect, connection);
  if (ending.keepalive) {
    const text = `keepalive expired: the broker did not answer PINGREQ (nothing received for ${connection.keepalive * 1.5} s, keepalive ${connection.keepalive} s)`;
    return { text, final: false, protocol: false };
  }
  const err = ending.error;
  if (err && err.code === undefined) return { text: `the broker sent something that is not MQTT (${err.message})`, final: true, protocol: true };
  if (err?.code === 'ECONNRESET' || err?.code === 'EPIPE') return { text: 'the broker reset the connection', final: false, protocol: false };
  if (err) return { text: err.message, final: false, protocol: false };
  return { text: 'the broker closed the connection', final: false, protocol: false };
}
