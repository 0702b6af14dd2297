/**
 * BrokerLink over today's client core (connect.ts openSession, subscribe.ts's subscription
 * options, reconnect.ts's back-off). The only file of the explorer that knows the core's
 * internals: when the core is reorganised, this file is rewritten and nothing else.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { ConnectionConfig, SubscribeConfig } from '../core/config.js';
import { closeSession, endpoint, openSession } from '../core/connect.js';
import { ConnectionLostError, RejectedError, type TsmqttError } from '../core/errors.js';
import { Reconnector, retryable } from '../core/reconnect.js';
import { lossReason, subscriptionOptions, type Ending } from '../core/subscribe.js';
import { topicMatches } from '../core/topics.js';
import type { BrokerLink, LinkState, PublishOptions } from './link.js';
import type { IncomingMessage } from './model.js';

type MessageCallback = (message: IncomingMessage) => void;
type StateCallback = (state: LinkState, error?: Error) => void;

class MqttLink implements BrokerLink {
  readonly broker: string;
  readonly filters: readonly string[];
  private client: MqttClient | undefined;
  private message: MessageCallback = () => {};
  private state: StateCallback = () => {};
  private started = false;
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly stop = new AbortController();
  private readonly reconnector = new Reconnector();

  constructor(
    private readonly connection: ConnectionConfig,
    private readonly subscribe: SubscribeConfig,
  ) {
    this.broker = endpoint(connection);
    this.filters = subscribe.filters;
  }

  onMessage(callback: MessageCallback): void {
    this.message = callback;
  }

  onState(callback: StateCallback): void {
    this.state = callback;
  }

  /** First connection; a refusal here is the command's error, before any screen is shown. */
  async connect(): Promise<void> {
    this.adopt(await openSession(this.connection, {}, this.stop.signal, (c) => this.listen(c)).then((s) => s.client));
  }

  start(): Promise<void> {
    this.started = true;
    return this.subscribeOn(this.client!);
  }

  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    const c = this.client;
    if (!c || !c.connected) return Promise.reject(new ConnectionLostError('not connected to the broker'));
    return new Promise((resolve, reject) => {
      c.publish(topic, Buffer.from(payload), { qos: options.qos, retain: options.retain }, (err) => {
        if (!err) resolve();
        else reject(new RejectedError(`publishing to '${topic}' failed: ${err.message}`));
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stop.abort('closed');
    const c = this.client;
    if (c && c.connected) await closeSession(c, this.connection.disconnectProperties).catch(() => undefined);
    else c?.end(true);
  }

  /** Attaches the message listener before CONNACK: a kept session's messages follow it at once. */
  private listen(c: MqttClient): undefined {
    const { filterOut, noRetained } = this.subscribe;
    c.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (this.closing) return;
      if (noRetained && packet.retain) return;
      if (filterOut.length > 0 && filterOut.some((f) => topicMatches(f, topic))) return;
      const message: IncomingMessage = { topic, payload, qos: packet.qos, retain: packet.retain };
      if (packet.properties) message.properties = packet.properties as Record<string, unknown>;
      this.message(message);
    });
    return undefined;
  }

  private adopt(c: MqttClient): void {
    this.client = c;
    const ending: Ending = {};
    c.on('disconnect', (packet) => {
      ending.disconnect = packet;
      setImmediate(() => c.end(true));
    });
    c.on('error', (err) => {
      if (err.message === 'Keepalive timeout') ending.keepalive = true;
    });
    c.once('close', () => {
      if (!this.closing) this.lost(ending);
    });
  }

  private subscribeOn(c: MqttClient): Promise<void> {
    const options = subscriptionOptions(this.subscribe, this.connection.protocolVersion);
    const filters = Object.fromEntries(this.subscribe.filters.map((f) => [f, { ...options }]));
    const properties = this.subscribe.properties ? { properties: this.subscribe.properties } : {};
    return new Promise((resolve, reject) => {
      c.subscribe(filters, properties, (err, granted) => {
        const accepted = (granted ?? []).some((g) => g.qos < 128);
        if (accepted) resolve();
        else reject(new RejectedError(`the broker refused every subscription${err ? `: ${err.message}` : ''}`));
      });
    });
  }

  private lost(ending: Ending): void {
    const why = lossReason(ending, this.connection);
    const error = new ConnectionLostError(`connection to ${this.broker} lost: ${why.text}`);
    const fight = why.final || !this.subscribe.reconnect ? undefined : this.reconnector.lost(this.connection.clientId);
    if (why.final || !this.subscribe.reconnect || (fight && this.connection.clientId !== '')) {
      this.closing = true;
      this.state('lost', fight ? new ConnectionLostError(`${error.message}; ${fight}`) : error);
      return;
    }
    this.state('reconnecting', error);
    this.retry();
  }

  private retry(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.closing) return;
      this.reconnector.attempted();
      openSession(this.connection, {}, this.stop.signal, (c) => this.listen(c)).then(
        ({ client, connack }) => this.reconnected(client, connack.sessionPresent),
        (err: TsmqttError) => {
          if (this.closing) return;
          if (!retryable(err)) {
            this.closing = true;
            this.state('lost', err);
            return;
          }
          this.reconnector.failed();
          this.state('reconnecting', err);
          this.retry();
        },
      );
    }, this.reconnector.delayMs());
  }

  private reconnected(c: MqttClient, sessionPresent: boolean): void {
    if (this.closing) {
      c.end(true);
      return;
    }
    this.adopt(c);
    this.state('connected');
    if (this.started && !sessionPresent) {
      this.subscribeOn(c).catch((err: Error) => {
        this.closing = true;
        c.end(true);
        this.state('lost', err);
      });
    }
  }
}

/** Connects to the broker; resolves once it accepted the connection, rejects with a typed error. */
export async function openMqttLink(connection: ConnectionConfig, subscribe: SubscribeConfig): Promise<BrokerLink> {
  const link = new MqttLink(connection, subscribe);
  await link.connect();
  return link;
}
