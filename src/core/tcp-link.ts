import net from 'node:net';
import { addressFamily, connectLibuv, libuvHandles } from './libuv-tcp.js';

/** The little of a TCP connection tspub's quick path uses. */
export interface TcpLink {
  write(data: Buffer): void;
  /** Writes `data`, then closes the sending side (FIN) once it is out. */
  end(data: Buffer): void;
  /** Closes at once; pending writes are dropped. */
  destroy(): void;
}

/** What a connection reports once it is open: as net.Socket's events, an error is followed by close. */
export interface LinkEvents {
  data(chunk: Buffer): void;
  error(err: Error): void;
  close(): void;
}

/**
 * Which code carries the bytes: libuv's TCP handle where Node offers it (src/core/libuv-tcp.ts),
 * else net.Socket; or net.Socket always.
 */
export type SocketLayer = 'fastest' | 'net';

/**
 * RFC 6761 §6.3: "localhost" is the loopback address. Resolving it through Node costs ~8 ms of a
 * ~50 ms run (the first test of Node's IPv6 address pattern compiles it); IPv4 first, then IPv6
 * if nothing listens there, reaches any broker on this machine that a resolver would.
 */
function addressesOf(host: string): string[] {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? ['127.0.0.1', '::1'] : [host];
}

/**
 * A TCP connection to the first address of `host` that accepts one. `onAttempt` gets each
 * connection as it is tried, so that a caller giving up (a timeout, a signal) can destroy it.
 */
export function openTcpLink(
  host: string,
  port: number,
  layer: SocketLayer,
  events: LinkEvents,
  onAttempt: (link: TcpLink) => void,
): Promise<TcpLink> {
  const addresses = addressesOf(host);
  const attempt = (index: number): Promise<TcpLink> => {
    const address = addresses[index]!;
    const family = layer === 'fastest' ? addressFamily(address) : undefined;
    const uv = family && libuvHandles();
    const connecting = uv
      ? connectLibuv(uv, address, family, port, events, onAttempt).then((link) => link ?? connectNet(address, port, events, onAttempt))
      : connectNet(address, port, events, onAttempt);
    return connecting.catch((err: Error & { code?: string }) => {
      if (index + 1 < addresses.length && (err.code === 'ECONNREFUSED' || err.code === 'EADDRNOTAVAIL')) return attempt(index + 1);
      throw err;
    });
  };
  return attempt(0);
}

function connectNet(host: string, port: number, events: LinkEvents, onAttempt: (link: TcpLink) => void): Promise<TcpLink> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const link: TcpLink = {
      write: (data) => void socket.write(data),
      end: (data) => void socket.end(data),
      destroy: () => void socket.destroy(),
    };
    onAttempt(link);
    const onError = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      socket.on('data', (data: Buffer) => events.data(data));
      socket.on('error', (err: Error) => events.error(err));
      socket.on('close', () => events.close());
      resolve(link);
    });
  });
}
