/**
 * BrokerLink over the client core: one runSubscribe (the subscription, -T, -R, acknowledgements,
 * reconnects, as for any tssub run) and publishOne on the session it is on. The only file of the
 * explorer that knows the core.
 */
import type { ConnectionConfig, SubscribeConfig } from '../core/config/types.js';
import { ConnectionLostError, type TsmqttError } from '../core/errors.js';
import { publishOne } from '../core/publish/publish.js';
import { endpoint, type SessionClient } from '../core/session/session.js';
import { runSubscribe, type ReceivedMessage } from '../core/subscribe/subscribe.js';
import type { BrokerLink, LinkState, PublishOptions } from './link.js';
import type { IncomingMessage } from './model.js';

type MessageCallback = (message: IncomingMessage) => void;
type StateCallback = (state: LinkState, error?: Error) => void;

function incoming(message: ReceivedMessage): IncomingMessage {
  const out: IncomingMessage = { topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain };
  if (message.properties) out.properties = message.properties as Record<string, unknown>;
  return out;
}

class MqttLink implements BrokerLink {
  readonly broker: string;
  readonly filters: readonly string[];
  private client: SessionClient | undefined;
  private message: MessageCallback = () => {};
  private state: StateCallback = () => {};
  private readonly stop = new AbortController();
  /** Messages wait (unacknowledged, MQTT.js reading no further) until the app has started. */
  private release!: () => void;
  private readonly started = new Promise<void>((resolve) => (this.release = resolve));
  private isStarted = false;
  private subscribed!: { resolve: () => void; reject: (err: Error) => void };
  private readonly acknowledged = new Promise<void>((resolve, reject) => (this.subscribed = { resolve, reject }));
  private connected!: { resolve: () => void; reject: (err: Error) => void };
  /** Settles with the first connection: accepted, or refused before any screen is shown. */
  readonly ready = new Promise<void>((resolve, reject) => (this.connected = { resolve, reject }));
  private run: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly connection: ConnectionConfig,
    private readonly subscribe: SubscribeConfig,
  ) {
    this.broker = endpoint(connection);
    this.filters = subscribe.filters;
    this.acknowledged.catch(() => {});
  }

  onMessage(callback: MessageCallback): void {
    this.message = callback;
  }

  onState(callback: StateCallback): void {
    this.state = callback;
  }

  /** Runs the subscription for the life of the link; its end is 'lost' unless close() asked for it. */
  open(): void {
    let first = true;
    this.run = runSubscribe({
      connection: this.connection,
      subscribe: this.subscribe,
      signal: this.stop.signal,
      hooks: {
        onSession: (client) => {
          this.client = client;
          if (first) this.connected.resolve();
          else this.state('connected');
          first = false;
        },
        onReconnecting: (text) => this.state('reconnecting', new ConnectionLostError(text)),
        onSubscribed: () => this.subscribed.resolve(),
        onMessage: (message) => {
          if (this.isStarted) this.message(incoming(message));
          else return this.started.then(() => this.message(incoming(message)));
        },
      },
    });
    this.run.then(
      () => this.ended(new ConnectionLostError(`connection to ${this.broker} closed`)),
      (err: TsmqttError) => this.ended(err),
    );
  }

  private ended(error: Error): void {
    this.connected.reject(error);
    this.subscribed.reject(error);
    if (!this.closing) this.state('lost', error);
  }

  start(): Promise<void> {
    this.isStarted = true;
    this.release();
    return this.acknowledged;
  }

  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    const c = this.client;
    if (!c || !c.connected) return Promise.reject(new ConnectionLostError('not connected to the broker'));
    return publishOne(c, this.connection, topic, Buffer.from(payload), { qos: options.qos, retain: options.retain });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.stop.abort('closed');
    await this.run?.catch(() => undefined);
  }
}

/** Connects to the broker; resolves once it accepted the connection, rejects with a typed error. */
export async function openMqttLink(connection: ConnectionConfig, subscribe: SubscribeConfig): Promise<BrokerLink> {
  const link = new MqttLink(connection, subscribe);
  link.open();
  await link.ready;
  return link;
}
