import net from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import { MqttClient, type IClientOptions, type IConnackPacket, type Packet } from 'mqtt';
import type { ConnectionConfig } from './config.js';
import { describePacket } from './debug.js';
import { ConnackError, ConnectError, InterruptedError, UsageError, type TsmqttError } from './errors.js';
import { PacketIdAllocator } from './message-ids.js';
import type { DisconnectProperties } from './properties.js';
import { connackReason } from './reason-codes.js';
import { describeEndpoint } from './transport-config.js';
import { describeTransportError } from './transport-errors.js';

/** Takes the place of MQTT.js's `stream.pipe(parser)`: sees what the broker sends first. */
export interface StreamTap {
  attach(stream: Duplex, mqttjs: Writable): void;
}

export interface SessionHooks {
  /** Receives one line per packet when -d is on. */
  debug?: (line: string) => void;
}

export interface Session {
  client: MqttClient;
  connack: IConnackPacket;
}

export function endpoint(config: ConnectionConfig): string {
  return describeEndpoint(config.host, config.port, config.transport);
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
    messageIdProvider: new PacketIdAllocator(),
    // mqtt-packet otherwise builds 65,536 two-byte buffers on the first packet: ~10 MB of RSS
    // and a garbage collection at start-up, for numbers it can as well encode when needed.
    writeCache: false,
    // A PINGREQ every keepalive interval, rather than a timer re-armed for every acknowledgement
    // (hundreds of thousands on a long tspub -l stream).
    reschedulePings: false,
    // MQTT.js traces every step through the debug package, whose enabled-check alone costs more
    // per acknowledgement than handling it; -d has its own per-packet lines.
    log: () => {},
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  const receiveMaximum = config.protocolVersion === 5 ? config.receiveMaximum : undefined;
  if (config.sessionExpiry !== undefined || config.properties || receiveMaximum !== undefined) {
    options.properties = { ...config.properties };
    if (config.sessionExpiry !== undefined) options.properties.sessionExpiryInterval = config.sessionExpiry;
    // An explicit -D connect receive-maximum is the user's word; -C's cap applies otherwise.
    if (receiveMaximum !== undefined && options.properties.receiveMaximum === undefined) {
      options.properties.receiveMaximum = receiveMaximum;
    }
  }
  if (config.will) {
    options.will = {
      topic: config.will.topic,
      payload: config.will.payload,
      qos: config.will.qos,
      retain: config.will.retain,
    };
    if (config.will.properties) options.will.properties = config.will.properties;
  }
  return options;
}

/** What the broker added to a refusing MQTT 5 CONNACK: its own words, and maybe another server. */
function connackDetails(connack: IConnackPacket | undefined): string {
  const reason = connack?.properties?.reasonString;
  const reference = connack?.properties?.serverReference;
  return (reason ? ` (the broker says: "${reason}")` : '') + (reference ? `; it points to ${reference}` : '');
}

/** Turns a transport or protocol error raised before CONNACK into a typed error. */
export function connectFailure(err: Error & { code?: unknown }, config: ConnectionConfig, connack?: IConnackPacket): TsmqttError {
  const where = endpoint(config);
  if (typeof err.code === 'number' && err.code > 0) {
    return new ConnackError(
      `connection refused by the broker at ${where}: ${connackReason(err.code, config.protocolVersion)}${connackDetails(connack)}`,
      err.code,
    );
  }
  const transport = describeTransportError(err, config);
  if (transport) return new ConnectError(transport);
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
      return new ConnectError(
        `${where} closed the connection during CONNECT: is it an MQTT broker${config.transport?.tls ? '' : ', or does it expect TLS (--cafile, --tls-use-os-certs)'}?`,
      );
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

/** The connection closed before CONNACK: what the transport said, if it said something we know. */
export function closedBeforeConnack(transportError: Error | undefined, config: ConnectionConfig): TsmqttError {
  const known = transportError && connectFailure(transportError, config);
  return known && !known.message.startsWith('cannot connect to ')
    ? known
    : new ConnectError(`${endpoint(config)} closed the connection before accepting it: is it an MQTT broker?`);
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
 * it connects, and may return a tap for the incoming bytes.
 */
export async function openSession(
  config: ConnectionConfig,
  hooks: SessionHooks,
  signal?: AbortSignal,
  prepare?: (client: MqttClient) => StreamTap | undefined,
): Promise<Session> {
  if (config.passwordFrom) throw new Error('openSession: the password was not fetched (passwordFrom is still set)');
  if (config.password !== undefined && config.username === undefined) {
    // MQTT 5 allows it and the quick one-shot publish sends it, but MQTT.js's encoder refuses.
    throw new UsageError('a password (-P) without a username (-u) can only be sent by a one-shot tspub over plain TCP; add -u');
  }
  let build: (client: MqttClient, options: IClientOptions) => Duplex;
  if (config.transport) {
    const { prepareTransport } = await import('./transport.js');
    build = await prepareTransport(config, signal);
  } else {
    build = () => net.createConnection({ host: config.host, port: config.port });
  }
  if (signal?.aborted) throw new InterruptedError(signal.reason as NodeJS.Signals);
  return new Promise<Session>((resolve, reject) => {
    // MQTT.js reports stream errors that have no code only as 'close'; keep them for the message.
    let transportError: Error | undefined;
    let tap: StreamTap | undefined;
    const builder = (client: MqttClient): Duplex => {
      const stream = build(client, client.options);
      stream.on('error', (err: Error) => {
        transportError ??= err;
      });
      // MQTT.js pipes the stream into its parser once, right after building it.
      if (tap) {
        const t = tap;
        stream.pipe = (<T extends NodeJS.WritableStream>(mqttjs: T): T => {
          t.attach(stream, mqttjs as unknown as Writable);
          return mqttjs;
        }) as Duplex['pipe'];
      }
      return stream;
    };
    // Connect only once the listeners are on: the CONNECT packet is written synchronously.
    const client = new MqttClient(builder as never, { ...toClientOptions(config), manualConnect: true });
    if (hooks.debug) attachDebug(client, config, hooks.debug);
    let connack: IConnackPacket | undefined;
    const onPacket = (packet: Packet): void => {
      if (packet.cmd === 'connack') connack = packet;
    };
    client.on('packetreceive', onPacket);
    // Messages queued for a kept session arrive right behind CONNACK, before a promise callback
    // could attach listeners: whoever needs them must attach them now.
    tap = prepare?.(client);

    const settle = (): void => {
      client.removeListener('packetreceive', onPacket);
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
    const onError = (err: Error): void => fail(connectFailure(err, config, connack));
    const onClose = (): void => fail(closedBeforeConnack(transportError, config));
    const onAbort = (): void => fail(new InterruptedError(signal!.reason as NodeJS.Signals));

    client.once('connect', onConnect);
    client.on('error', onError);
    client.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    client.connect();
  });
}

/**
 * Sends DISCONNECT (so no will is published), with MQTT 5 `properties` if given, and waits until
 * the socket is closed.
 */
export function closeSession(client: MqttClient, properties?: DisconnectProperties): Promise<void> {
  return new Promise((resolve) => {
    if (client.disconnected || client.disconnecting) {
      resolve();
      return;
    }
    client.end(false, properties ? { properties } : {}, () => resolve());
  });
}

/**
 * Whether a finished stream has handed all it was given, and its FIN, to the kernel, so that
 * destroying it loses nothing: a plain TCP or unix socket (a SOCKS connection is one too). Not TLS
 * or WebSocket, whose layers may still hold bytes of their own; those close as closeSession does.
 */
export function hasKernelSocketSemantics(stream: unknown): boolean {
  return stream instanceof net.Socket && (stream as { encrypted?: boolean }).encrypted !== true;
}

/** PINGREQs not yet answered, for the clients watchPings() was called on. */
const unansweredPings = new WeakMap<MqttClient, number>();

/**
 * Counts the client's unanswered PINGREQs from now on, for closeSessionFlushed. Call it before the
 * first PINGREQ can go out: right after CONNACK.
 */
export function watchPings(client: MqttClient): void {
  unansweredPings.set(client, 0);
  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd === 'pingreq') unansweredPings.set(client, unansweredPings.get(client)! + 1);
  });
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd === 'pingresp') unansweredPings.set(client, Math.max(0, unansweredPings.get(client)! - 1));
  });
}

/**
 * Sends DISCONNECT like closeSession, but resolves once it and everything written before it are
 * with the operating system and the connection is half-closed behind them, rather than when the
 * broker closes its side: after a long -l stream the broker may still be reading for hundreds of
 * milliseconds. The kernel delivers the rest and the FIN after the socket is closed, as it does
 * for mosquitto_pub. Only if nothing more is expected from the broker, though: a closed socket
 * that receives data (the answer to a PINGREQ) resets the connection, dropping what the kernel had
 * not sent yet. So this waits as closeSession does if a PINGREQ is unanswered, if the client's
 * pings were not watched (watchPings), or over TLS or WebSocket. The caller must expect no other
 * packet: at QoS 1/2 every acknowledgement must have arrived.
 */
export function closeSessionFlushed(client: MqttClient, properties?: DisconnectProperties): Promise<void> {
  const socket = client.stream;
  if (!hasKernelSocketSemantics(socket)) return closeSession(client, properties);
  // The DISCONNECT and FIN are queued behind every earlier write: 'finish' comes after all of them.
  const onFinish = (): void => {
    if (unansweredPings.get(client) === 0) socket.destroy();
  };
  socket.once('finish', onFinish);
  return closeSession(client, properties).finally(() => socket.removeListener('finish', onFinish));
}
