import net from 'node:net';
import { ConnectError, InterruptedError } from '../errors.js';
import type { ProxyConfig } from '../config/proxy-url.js';

/**
 * SOCKS5 CONNECT (RFC 1928) with optional user/password authentication (RFC 1929). MQTT.js has a
 * SOCKS path too, but it drops the proxy's user and password, which mosquitto's --proxy supports.
 * Resolves with the socket, paused, once the proxy has connected it to host:port.
 */

const REPLIES: Record<number, string> = {
  1: 'general failure',
  2: 'connection not allowed by its rules',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

function addressBytes(host: string): Buffer {
  const family = net.isIP(host);
  if (family === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (family === 6) {
    const socket = new net.SocketAddress({ address: host, family: 'ipv6' });
    const groups = expandIpv6(socket.address);
    return Buffer.concat([Buffer.from([4]), Buffer.from(groups.flatMap((g) => [g >> 8, g & 0xff]))]);
  }
  // socks5h: the proxy resolves the name.
  const name = Buffer.from(host, 'utf8');
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function expandIpv6(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const part = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export interface SocksOptions {
  localAddress?: string;
  noDelay?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function socksConnect(proxy: ProxyConfig, host: string, port: number, options: SocksOptions): Promise<net.Socket> {
  const proxyAt = proxy.host.includes(':') ? `[${proxy.host}]:${proxy.port}` : `${proxy.host}:${proxy.port}`;
  if (Buffer.byteLength(host) > 255) return Promise.reject(new ConnectError(`host name '${host}' is too long for SOCKS5`));
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({
      host: proxy.host,
      port: proxy.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.noDelay ? { noDelay: true } : {}),
    });
    let buffered = Buffer.alloc(0);
    let step: 'method' | 'auth' | 'reply' = 'method';
    const timer = setTimeout(() => fail(new ConnectError(`no answer from the SOCKS proxy at ${proxyAt} within ${options.timeoutMs / 1000} s`)), options.timeoutMs);

    const cleanup = (): void => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'ECONNREFUSED') fail(new ConnectError(`connection refused by the SOCKS proxy at ${proxyAt}: is it running?`));
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') fail(new ConnectError(`cannot resolve the SOCKS proxy host '${proxy.host}'`));
      else fail(new ConnectError(`SOCKS proxy at ${proxyAt}: ${err.message}`));
    };
    const onClose = (): void => fail(new ConnectError(`the SOCKS proxy at ${proxyAt} closed the connection during its handshake`));
    const onAbort = (): void => fail(new InterruptedError(options.signal!.reason as NodeJS.Signals));

    const sendRequest = (): void => {
      const target = addressBytes(host);
      socket.write(Buffer.concat([Buffer.from([5, 1, 0]), target, Buffer.from([port >> 8, port & 0xff])]));
      step = 'reply';
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (step === 'method') {
        if (buffered.length < 2) return;
        const method = buffered[1]!;
        buffered = buffered.subarray(2);
        if (method === 0) sendRequest();
        else if (method === 2 && proxy.username !== undefined) {
          const user = Buffer.from(proxy.username, 'utf8');
          const pass = Buffer.from(proxy.password ?? '', 'utf8');
          socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
          step = 'auth';
        } else {
          fail(new ConnectError(`the SOCKS proxy at ${proxyAt} wants an authentication method we do not offer${proxy.username === undefined ? ' (give a user and password in the proxy URL?)' : ''}`));
          return;
        }
      }
      if (step === 'auth') {
        if (buffered.length < 2) return;
        const status = buffered[1]!;
        buffered = buffered.subarray(2);
        if (status !== 0) {
          fail(new ConnectError(`the SOCKS proxy at ${proxyAt} refused the user name or password`));
          return;
        }
        sendRequest();
      }
      if (step === 'reply') {
        if (buffered.length < 5) return;
        const atyp = buffered[3]!;
        const addrLength = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + buffered[4]! : -1;
        if (addrLength < 0) {
          fail(new ConnectError(`the SOCKS proxy at ${proxyAt} sent a malformed reply`));
          return;
        }
        const total = 4 + addrLength + 2;
        if (buffered.length < total) return;
        const rep = buffered[1]!;
        if (rep !== 0) {
          const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
          fail(new ConnectError(`the SOCKS proxy at ${proxyAt} could not connect to ${target}: ${REPLIES[rep] ?? `reply code ${rep}`}`));
          return;
        }
        const rest = buffered.subarray(total);
        cleanup();
        // Whatever the broker already sent belongs to the MQTT stream.
        socket.pause();
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      }
    };

    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once('connect', () => {
      const methods = proxy.username !== undefined ? [0, 2] : [0];
      socket.write(Buffer.from([5, methods.length, ...methods]));
    });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
