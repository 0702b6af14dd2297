import net from 'node:net';
import type { IConnackPacket, Packet } from 'mqtt';
import type { ConnectionConfig } from '../config/types.js';
import type { DisconnectProperties } from '../config/properties.js';
import { InterruptedError, type TsmqttError } from '../errors.js';
import { prepareTransport } from '../transport/streams.js';
import { toClientOptions } from './client-options.js';
import { closedBeforeConnack, connectFailure } from './connect-errors.js';
import { describePacket } from './packet-log.js';
import { SessionClient } from './session-client.js';

export { endpoint } from './connect-errors.js';
export type { SessionClient } from './session-client.js';

export interface SessionHooks {
  /** Receives one line per packet when -d is on: an observer, the run is the same without it. */
  debug?: (line: string) => void;
}

export interface Session {
  client: SessionClient;
  connack: IConnackPacket;
}

/** -d: one line per packet sent and received, from MQTT.js's own packet events. */
function attachPacketLog(client: SessionClient, config: ConnectionConfig, debug: (line: string) => void): void {
  // MQTT 5 brokers may assign the id in CONNACK; show it from then on, as mosquitto does.
  let clientId = config.clientId;
  client.on('packetsend', (packet: Packet) => debug(describePacket('sending', packet, clientId)));
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd === 'connack' && packet.properties?.assignedClientIdentifier) {
      clientId = packet.properties.assignedClientIdentifier;
    }
    debug(describePacket('received', packet, clientId));
  });
}

function checkPasswordFetched(config: ConnectionConfig): void {
  if (config.passwordFrom) throw new Error('openSession: the password was not fetched (passwordFrom is still set)');
}

/**
 * Opens a connection and resolves once the broker has accepted it. An aborted `signal` before
 * CONNACK rejects with InterruptedError. `prepare` sees the client before it connects: messages of a
 * kept session arrive right behind CONNACK, before a promise callback could attach listeners.
 */
export async function openSession(
  config: ConnectionConfig,
  hooks: SessionHooks,
  signal?: AbortSignal,
  prepare?: (client: SessionClient) => void,
): Promise<Session> {
  checkPasswordFetched(config);
  const build = await prepareTransport(config, signal);
  if (signal?.aborted) throw new InterruptedError(signal.reason as NodeJS.Signals);
  // Connect only once the listeners are on: the CONNECT packet is written synchronously.
  const client = new SessionClient(build, { ...toClientOptions(config), manualConnect: true });
  if (hooks.debug) attachPacketLog(client, config, hooks.debug);
  prepare?.(client);
  const connack = await awaitConnack(client, config, signal, () => client.connect());
  return { client, connack };
}

/**
 * Connects the same client again, to the same session (-c): MQTT.js keeps the messages that were
 * not acknowledged and sends them again once the broker has the session back.
 */
export async function resumeSession(client: SessionClient, config: ConnectionConfig, signal?: AbortSignal): Promise<IConnackPacket> {
  client.useTransport(await prepareTransport(config, signal));
  if (signal?.aborted) throw new InterruptedError(signal.reason as NodeJS.Signals);
  const stores = { incomingStore: client.incomingStore, outgoingStore: client.outgoingStore };
  return awaitConnack(client, config, signal, () => client.reconnect(stores));
}

function awaitConnack(client: SessionClient, config: ConnectionConfig, signal: AbortSignal | undefined, start: () => void): Promise<IConnackPacket> {
  return new Promise<IConnackPacket>((resolve, reject) => {
    // MQTT.js reports stream errors that have no code only as 'close'; keep them for the message.
    let transportError: Error | undefined;
    let connack: IConnackPacket | undefined;
    const onPacket = (packet: Packet): void => {
      if (packet.cmd === 'connack') connack = packet;
    };
    const onStreamError = (err: Error): void => {
      transportError ??= err;
    };
    const settle = (): void => {
      client.removeListener('packetreceive', onPacket);
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      client.stream?.removeListener('error', onStreamError);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: TsmqttError): void => {
      settle();
      // Keep an error listener: MQTT.js may still emit while tearing the socket down.
      client.on('error', () => {});
      client.end(true);
      reject(error);
    };
    const onConnect = (packet: IConnackPacket): void => {
      settle();
      resolve(packet);
    };
    const onError = (err: Error): void => fail(connectFailure(err, config, connack));
    const onClose = (): void => fail(closedBeforeConnack(transportError, config));
    const onAbort = (): void => fail(new InterruptedError(signal!.reason as NodeJS.Signals));
    client.on('packetreceive', onPacket);
    client.once('connect', onConnect);
    client.on('error', onError);
    client.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    start();
    client.stream.on('error', onStreamError);
  });
}

/**
 * Sends DISCONNECT (so no will is published), with MQTT 5 `properties` if given, and waits until
 * the socket is closed.
 */
export function closeSession(client: SessionClient, properties?: DisconnectProperties): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || client.disconnecting) {
      resolve();
      return;
    }
    // MQTT.js sends DISCONNECT only once every request has its answer: a broker that never
    // answers one (a SUBSCRIBE without SUBACK) would keep the run alive. Such a connection is
    // closed without it; the broker may then publish the will.
    const unanswered = Object.keys(client.outgoing).length > 0;
    client.end(unanswered, properties ? { properties } : {}, () => resolve());
  });
}

/**
 * Whether a finished stream has handed all it was given, and its FIN, to the kernel, so that
 * closing it loses nothing: a plain TCP or unix socket (a SOCKS connection is one too). Not TLS
 * or WebSocket, whose layers may still hold bytes of their own.
 */
export function hasKernelSocketSemantics(stream: unknown): stream is net.Socket {
  return stream instanceof net.Socket && (stream as { encrypted?: boolean }).encrypted !== true;
}

/** PINGREQs not yet answered, for the clients watchPings() was called on. */
const unansweredPings = new WeakMap<SessionClient, number>();

/** Counts the client's unanswered PINGREQs from now on, for closeSessionFlushed: call it right after CONNACK. */
export function watchPings(client: SessionClient): void {
  unansweredPings.set(client, 0);
  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd === 'pingreq') unansweredPings.set(client, unansweredPings.get(client)! + 1);
  });
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd === 'pingresp') unansweredPings.set(client, Math.max(0, unansweredPings.get(client)! - 1));
  });
}

/**
 * closeSession, but resolved once DISCONNECT and everything before it are with the operating
 * system and the connection is half-closed behind them, rather than when the broker closes its
 * side: after a long -l stream the broker may still be reading for hundreds of milliseconds. The
 * kernel delivers the rest, as it does for mosquitto_pub. Only when nothing more is expected from
 * the broker: a closed socket that receives data (a PINGRESP) resets the connection, dropping what
 * the kernel had not sent yet. So this waits as closeSession does if a PINGREQ is unanswered, if
 * pings were not watched, or over TLS or WebSocket. At QoS 1/2 every acknowledgement must be in.
 */
export function closeSessionFlushed(client: SessionClient, properties?: DisconnectProperties): Promise<void> {
  const socket = client.stream;
  if (!hasKernelSocketSemantics(socket)) return closeSession(client, properties);
  // 'finish' comes after the DISCONNECT and the FIN, which are queued behind every earlier write.
  const onFinish = (): void => {
    if (unansweredPings.get(client) === 0) socket.destroy();
  };
  socket.once('finish', onFinish);
  return closeSession(client, properties).finally(() => socket.removeListener('finish', onFinish));
}
