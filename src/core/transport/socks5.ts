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

/** Version 5, and the methods we offer: no authentication, and user/password when we have them. */
function greeting(proxy: ProxyConfig): Buffer {
  const methods = proxy.username !== undefined ? [0, 2] : [0];
  return Buffer.from([5, methods.length, ...methods]);
}

function authRequest(proxy: ProxyConfig): Buffer {
  const user = Buffer.from(proxy.username ?? '', 'utf8');
  const pass = Buffer.from(proxy.password ?? '', 'utf8');
  return Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]);
}

function connectRequest(host: string, port: number): Buffer {
  return Buffer.concat([Buffer.from([5, 1, 0]), addressBytes(host), Buffer.from([port >> 8, port & 0xff])]);
}

/** The length of the CONNECT reply, from its header: -1 for an address type RFC 1928 does not have. */
function replyLength(reply: Buffer): number {
  const atyp = reply[3]!;
  const addrLength = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + reply[4]! : -1;
  return addrLength < 0 ? -1 : 4 + addrLength + 2;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** One connection through the proxy, from TCP connect to the proxy's CONNECT reply. */
class SocksHandshake {
  private readonly socket: net.Socket;
  private readonly proxyAt: string;
  private readonly timer: NodeJS.Timeout;
  private buffered = Buffer.alloc(0);
  private step: 'method' | 'auth' | 'reply' = 'method';

  constructor(
    private readonly proxy: ProxyConfig,
    private readonly host: string,
    private readonly port: number,
    private readonly options: SocksOptions,
    private readonly resolve: (socket: net.Socket) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.proxyAt = hostPort(proxy.host, proxy.port);
    this.socket = net.createConnection({
      host: proxy.host,
      port: proxy.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.noDelay ? { noDelay: true } : {}),
    });
    this.timer = setTimeout(
      () => this.fail(`no answer from the SOCKS proxy at ${this.proxyAt} within ${options.timeoutMs / 1000} s`),
      options.timeoutMs,
    );
    this.socket.on('data', this.onData);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.socket.once('connect', () => this.socket.write(greeting(proxy)));
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private cleanup(): void {
    clearTimeout(this.timer);
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private fail(error: Error | string): void {
    this.cleanup();
    this.socket.destroy();
    this.reject(typeof error === 'string' ? new ConnectError(error) : error);
  }

  private readonly onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'ECONNREFUSED') this.fail(`connection refused by the SOCKS proxy at ${this.proxyAt}: is it running?`);
    else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') this.fail(`cannot resolve the SOCKS proxy host '${this.proxy.host}'`);
    else this.fail(`SOCKS proxy at ${this.proxyAt}: ${err.message}`);
  };

  private readonly onClose = (): void => this.fail(`the SOCKS proxy at ${this.proxyAt} closed the connection during its handshake`);

  private readonly onAbort = (): void => this.fail(new InterruptedError(this.options.signal!.reason as NodeJS.Signals));

  /** One answer may complete several steps, and bring the broker's first bytes along. */
  private readonly onData = (chunk: Buffer): void => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    if (this.step === 'method' && !this.readMethod()) return;
    if (this.step === 'auth' && !this.readAuth()) return;
    if (this.step === 'reply') this.readReply();
  };

  private sendRequest(): void {
    this.socket.write(connectRequest(this.host, this.port));
    this.step = 'reply';
  }

  /** The proxy's choice of authentication method. False: wait for more, or failed. */
  private readMethod(): boolean {
    if (this.buffered.length < 2) return false;
    const method = this.buffered[1]!;
    this.buffered = this.buffered.subarray(2);
    if (method === 0) this.sendRequest();
    else if (method === 2 && this.proxy.username !== undefined) {
      this.socket.write(authRequest(this.proxy));
      this.step = 'auth';
    } else {
      const hint = this.proxy.username === undefined ? ' (give a user and password in the proxy URL?)' : '';
      this.fail(`the SOCKS proxy at ${this.proxyAt} wants an authentication method we do not offer${hint}`);
      return false;
    }
    return true;
  }

  /** The user/password verdict (RFC 1929). False: wait for more, or failed. */
  private readAuth(): boolean {
    if (this.buffered.length < 2) return false;
    const status = this.buffered[1]!;
    this.buffered = this.buffered.subarray(2);
    if (status !== 0) {
      this.fail(`the SOCKS proxy at ${this.proxyAt} refused the user name or password`);
      return false;
    }
    this.sendRequest();
    return true;
  }

  private readReply(): void {
    if (this.buffered.length < 5) return;
    const total = replyLength(this.buffered);
    if (total < 0) {
      this.fail(`the SOCKS proxy at ${this.proxyAt} sent a malformed reply`);
      return;
    }
    if (this.buffered.length < total) return;
    const rep = this.buffered[1]!;
    if (rep !== 0) {
      const why = REPLIES[rep] ?? `reply code ${rep}`;
      this.fail(`the SOCKS proxy at ${this.proxyAt} could not connect to ${hostPort(this.host, this.port)}: ${why}`);
      return;
    }
    const rest = this.buffered.subarray(total);
    this.cleanup();
    // Whatever the broker already sent belongs to the MQTT stream.
    this.socket.pause();
    if (rest.length > 0) this.socket.unshift(rest);
    this.resolve(this.socket);
  }
}

export function socksConnect(proxy: ProxyConfig, host: string, port: number, options: SocksOptions): Promise<net.Socket> {
  if (Buffer.byteLength(host) > 255) return Promise.reject(new ConnectError(`host name '${host}' is too long for SOCKS5`));
  return new Promise((resolve, reject) => {
    new SocksHandshake(proxy, host, port, options, resolve, reject);
  });
}
