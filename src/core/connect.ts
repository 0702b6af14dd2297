import net from 'node:net';
import { MqttClient, type IClientOptions, type IConnackPacket, type Packet } from 'mqtt';
import type { ConnectionConfig } from './config.js';
import { describePacket } from './debug.js';
import { ConnackError, ConnectError, InterruptedError, type TsmqttError } from './errors.js';
import { connackReason } from './reason-codes.js';

export interface SessionHooks {
  /** Receives one line per packet when -d is on. */
  debug?: (line: string) => void;
}

export interface Session {
  client: MqttClient;
  connack: IConnackPacket;
}

export function endpoint(config: ConnectionConfig): string {
  return config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`;
}

export function toClientOptions(config: ConnectionConfig): IClientOptions {
  const options: IClientOptions = {
    protocolVersion: config.protocolVersion,
    protocolId: config.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    clientId: config.clientId,
    clean: config.cleanSession,
    keepalive: config.keepalive,
    // One-shot tools must fail rather than retry silently; MQTT.js retries every second by default.
    reconnectPeriod: 0,
    connectTimeout: config.connectTimeoutMs,
    resubscribe: false,
    // MQTT.js's default builds mqtt-packet's cache of 65,536 two-byte Buffers before the first
    // packet; collecting that garbage cost more than the whole rest of a one-shot publish.
    writeCache: false,
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  if (config.sessionExpiry !== undefined) options.properties = { sessionExpiryInterval: config.sessionExpiry };
  if (config.will) {
    options.will = {
      topic: config.will.topic,
      payload: config.will.payload,
      qos: config.will.qos,
      retain: config.will.retain,
    };
  }
  return options;
}

/** Turns a transport or protocol error raised before CONNACK into a typed error. */
export function connectFailure(err: Error & { code?: unknown }, config: ConnectionConfig): TsmqttError {
  const where = endpoint(config);
  if (typeof err.code === 'number' && err.code > 0) {
    return new ConnackError(
      `connection refused by the broker at ${where}: ${connackReason(err.code, config.protocolVersion)}`,
      err.code,
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectError(`connection refused by ${where}: is a broker running there?`);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return new ConnectError(`cannot resolve host '${config.host}'`);
    case 'EAI_AGAIN':
      return new ConnectError(`cannot resolve host '${config.host}' (name service not answering)`);
    case 'ETIMEDOUT':
      return new ConnectError(`timed out connecting to ${where}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectError(`cannot reach ${where}: no route to host`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new ConnectError(`${where} closed the connection during CONNECT: is it an MQTT broker?`);
    default:
      break;
  }
  if (err.message === 'connack timeout') {
    return new ConnectError(
      `no answer to CONNECT from ${where} within ${config.connectTimeoutMs / 1000} s: is it an MQTT broker?`,
    );
  }
  return new ConnectError(`cannot connect to ${where}: ${err.message}`);
}

function attachDebug(client: MqttClient, config: ConnectionConfig, debug: (line: string) => void): void {
  const idOf = (): string => client.options.clientId ?? config.clientId;
  client.on('packetsend', (packet: Packet) => debug(describePacket('sending', packet, idOf())));
  client.on('packetreceive', (packet: Packet) => {
    // MQTT 5 brokers may assign the id in CONNACK; show it from then on, as mosquitto does.
    if (packet.cmd === 'connack' && packet.properties?.assignedClientIdentifier) {
      client.options.clientId = packet.properties.assignedClientIdentifier;
    }
    debug(describePacket('received', packet, idOf()));
  });
}

/**
 * Opens a connection and resolves once the broker has accepted it. The transport is a plain TCP
 * socket built here, so MQTT.js never loads its WebSocket/TLS/SOCKS builders for this case.
 * An aborted `signal` before CONNACK rejects with InterruptedError. `prepare` sees the client before
 * it connects.
 */
export function openSession(
  config: ConnectionConfig,
  hooks: SessionHooks,
  signal?: AbortSignal,
  prepare?: (client: MqttClient) => void,
): Promise<Session> {
  return new Promise<Session>((resolve, reject) => {
    const build = (): net.Socket => net.createConnection({ host: config.host, port: config.port });
    const client = new MqttClient(build as never, toClientOptions(config));
    if (hooks.debug) attachDebug(client, config, hooks.debug);
    // Messages queued for a kept session arrive right behind CONNACK, before a promise callback
    // could attach listeners: whoever needs them must attach them now.
    prepare?.(client);

    const settle = (): void => {
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: TsmqttError): void => {
      settle();
      // Keep an error listener: MQTT.js may still emit while tearing the socket down.
      client.on('error', () => {});
      client.end(true);
      reject(error);
    };
    const onConnect = (connack: IConnackPacket): void => {
      settle();
      resolve({ client, connack });
    };
    const onError = (err: Error): void => fail(connectFailure(err, config));
    const onClose = (): void =>
      fail(new ConnectError(`${endpoint(config)} closed the connection before accepting it: is it an MQTT broker?`));
    const onAbort = (): void => fail(new InterruptedError(signal!.reason as NodeJS.Signals));

    client.once('connect', onConnect);
    client.on('error', onError);
    client.once('close', onClose);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sends DISCONNECT (so no will is published) and waits until the socket is closed. */
export function closeSession(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || client.disconnecting) {
      resolve();
      return;
    }
    client.end(false, {}, () => resolve());
  });
}
