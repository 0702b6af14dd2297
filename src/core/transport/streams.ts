import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { ConnectionConfig } from '../config/types.js';
import { ConnectError } from '../errors.js';
import type { TransportErrorDetails } from './error-text.js';

/** Builds the byte stream under MQTT for one connection attempt (MQTT.js's stream builder). */
export type StreamBuilder = (client: MqttClient, options: IClientOptions) => Duplex;

/**
 * The byte stream under MQTT for every run: TCP, unix socket, SOCKS5, TLS, WebSocket, bind
 * address, TCP_NODELAY. node:tls, the WebSocket builder and the SOCKS client are loaded only for the
 * runs that use them.
 */

async function resolveBindAddress(address: string, host: string): Promise<string> {
  if (net.isIP(address) !== 0) return address;
  const { lookup } = await import('node:dns/promises');
  try {
    // The local address must be of the broker's family: prefer that one when the broker is an IP.
    const family = net.isIP(host);
    return (await lookup(address, family === 0 ? {} : { family })).address;
  } catch {
    throw new ConnectError(`cannot resolve the bind address (-A) '${address}'`);
  }
}

/** Does the asynchronous part (files, name lookups, the SOCKS handshake) and returns a synchronous builder. */
export async function prepareTransport(config: ConnectionConfig, signal?: AbortSignal): Promise<StreamBuilder> {
  const transport = config.transport;
  if (!transport) return () => net.createConnection({ host: config.host, port: config.port });
  const bind = transport.bindAddress === undefined ? undefined : await resolveBindAddress(transport.bindAddress, config.host);

  let secure: { tls: typeof import('node:tls'); context: import('node:tls').SecureContext } | undefined;
  if (transport.tls) {
    const tls = await import('node:tls');
    const { createTlsContext } = await import('./tls-material.js');
    secure = { tls, context: await createTlsContext(tls, transport.tls) };
  }

  let proxied: net.Socket | undefined;
  if (transport.proxy) {
    const { socksConnect } = await import('./socks5.js');
    proxied = await socksConnect(transport.proxy, config.host, config.port, {
      ...(bind ? { localAddress: bind } : {}),
      noDelay: transport.noDelay,
      timeoutMs: config.connectTimeoutMs,
      ...(signal ? { signal } : {}),
    });
  }

  let websocket: typeof import('mqtt/lib/connect/ws').streamBuilder | undefined;
  if (transport.websocketPath !== undefined) {
    // A CommonJS module: bundled, only its default export (module.exports) is there.
    const ws = (await import('mqtt/lib/connect/ws')) as { streamBuilder?: typeof websocket; default?: { streamBuilder: typeof websocket } };
    websocket = ws.streamBuilder ?? ws.default?.streamBuilder;
  }

  /** The byte stream under MQTT (or under the WebSocket): TCP, unix socket or proxy, then TLS. */
  const openSocket = (): Duplex => {
    let socket: net.Socket;
    if (proxied) socket = proxied;
    else if (transport.unixPath !== undefined) socket = net.createConnection({ path: transport.unixPath });
    else {
      socket = net.createConnection({
        host: config.host,
        port: config.port,
        ...(bind ? { localAddress: bind } : {}),
        ...(transport.noDelay ? { noDelay: true } : {}),
      });
    }
    if (!secure || !transport.tls) return socket;
    const tlsConfig = transport.tls;
    const tlsSocket = secure.tls.connect({
      socket,
      secureContext: secure.context,
      // SNI carries names only, never addresses.
      ...(net.isIP(config.host) === 0 ? { servername: config.host } : {}),
      host: config.host,
      ...(tlsConfig.insecure ? { checkServerIdentity: () => undefined } : {}),
      ...(tlsConfig.alpn ? { ALPNProtocols: [tlsConfig.alpn] } : {}),
      ...(tlsConfig.psk ? { pskCallback: () => ({ psk: tlsConfig.psk!.key, identity: tlsConfig.psk!.identity }) } : {}),
    });
    let handshaken = false;
    tlsSocket.once('secureConnect', () => {
      handshaken = true;
    });
    tlsSocket.on('error', (err: Error & TransportErrorDetails) => {
      if (!handshaken) err.duringTlsHandshake = true;
    });
    return tlsSocket;
  };

  if (!websocket) return () => openSocket();
  return (client, options) =>
    websocket(client, {
      ...options,
      protocol: transport.tls ? 'wss' : 'ws',
      hostname: config.host.includes(':') ? `[${config.host}]` : config.host,
      port: config.port,
      path: transport.websocketPath!,
      // ws speaks HTTP over whatever socket we hand it, so TLS, proxy and unix socket still apply.
      wsOptions: { createConnection: () => openSocket() } as never,
    }) as unknown as Duplex;
}
