import MqttClientModule from 'mqtt/lib/client';
import type { IClientOptions, IPublishPacket, MqttClient as MqttClientType } from 'mqtt';
import type { StreamBuilder } from '../transport/streams.js';
import type { Ending } from './loss.js';

/**
 * Decides what becomes of one received PUBLISH before MQTT.js acknowledges it: call `done()` to
 * acknowledge, `done(error)` to leave it unacknowledged. Until then MQTT.js reads no further packet.
 */
export type MessageHandler = (packet: IPublishPacket, done: (error?: Error) => void) => void;

// A CommonJS module: its default export is the class (mqtt/lib/client is a public subpath of the
// package; the package root would evaluate every transport MQTT.js has).
const MqttClient = (MqttClientModule as unknown as { default: typeof MqttClientType }).default ?? (MqttClientModule as unknown as typeof MqttClientType);

/**
 * MQTT.js's client with tsmqtt's two documented extension points filled in: the stream builder,
 * which can be swapped between connection attempts (a SOCKS proxy needs a new handshake for each),
 * and handleMessage, MQTT.js's back-pressure hook for received messages.
 */
export class SessionClient extends MqttClient {
  private builder: StreamBuilder;
  onMessage: MessageHandler | undefined;
  /** How the current (or last) connection ended; cleared at each CONNACK. */
  ending: Ending = {};

  constructor(builder: StreamBuilder, options: IClientOptions) {
    const holder: { client?: SessionClient } = {};
    super((client) => holder.client!.builder(client, client.options), options);
    holder.client = this;
    this.builder = builder;
    this.on('connect', () => {
      this.ending = {};
    });
    // A DISCONNECT may come in the same read as CONNACK.
    this.on('disconnect', (packet) => {
      this.ending.disconnect = packet;
    });
    this.on('error', (err: Error & { code?: unknown }) => this.failed(err));
  }

  /**
   * After CONNACK, an error ends the connection: a transport error closes it by itself; a packet
   * MQTT.js could not parse leaves the stream in an unknown state, so it is closed here (MQTT
   * requires closing on a malformed packet), and the loss is reported once, from 'close'.
   */
  private failed(err: Error & { code?: unknown }): void {
    if (!this.connected) return;
    if (err.message === 'Keepalive timeout') this.ending.keepalive = true;
    else this.ending.error ??= err;
    if (err.code === undefined && !/^(Keepalive timeout|Protocol error)/.test(err.message)) this.stream.destroy();
  }

  /** The stream builder of the next connection attempt. */
  useTransport(builder: StreamBuilder): void {
    this.builder = builder;
  }

  override handleMessage(packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (this.onMessage) this.onMessage(packet, callback);
    else callback();
  }
}
