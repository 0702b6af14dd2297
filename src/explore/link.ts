/**
 * What the explorer needs of a broker connection. The app knows only this interface; mqtt-link.ts
 * implements it over the client core, and the tests can implement it over anything.
 */
import type { IncomingMessage, QoS } from './model.js';

/**
 * connecting: before the first CONNACK. connected: subscribed and receiving. reconnecting: the
 * connection went away and a new one is being sought (the view stays). lost: given up for good
 * (--no-reconnect, the broker refused us, a final DISCONNECT); the explorer ends with the error.
 */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'lost';

export interface PublishOptions {
  qos: QoS;
  retain: boolean;
}

export interface BrokerLink {
  /** Where the link goes, for the status line: `host:port`, a URL, a socket path. */
  readonly broker: string;
  /** The subscription filters, for the empty view ("waiting for messages on ..."). */
  readonly filters: readonly string[];
  /** One callback; each message once, in arrival order, on the event loop (never re-entrant). */
  onMessage(callback: (message: IncomingMessage) => void): void;
  /**
   * One callback; every change of state. `error` comes with 'lost' (its exitCode, if it has one,
   * is the command's) and may come with 'reconnecting' (why the connection went).
   */
  onState(callback: (state: LinkState, error?: Error) => void): void;
  /**
   * Subscribes. Messages go to the onMessage callback from then on (retained ones right away).
   * Resolves once the broker accepted at least one filter; rejects (a typed error) otherwise.
   */
  start(): Promise<void>;
  /** Resolves once complete as the QoS requires (written, PUBACK, PUBCOMP); rejects if refused or lost. */
  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void>;
  /** Disconnects (a normal DISCONNECT: no will) and stops reconnecting. Never rejects. */
  close(): Promise<void>;
}
