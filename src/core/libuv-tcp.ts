import { getSystemErrorName } from 'node:util';
import type { LinkEvents, TcpLink } from './tcp-link.js';

/**
 * A TCP connection over libuv's TCP handle: the object net.Socket itself is built on, reached
 * through process.binding('tcp_wrap'). Why: net.Socket makes Node load and run its stream and net
 * modules, ~13 ms of a ~60 ms one-shot publish here (npm run bench, "raw Node.js socket publish"
 * against "node -e ''"); the handle alone costs ~2 ms. It is used only where Node offers it as it
 * has since Node 8 (the shape is checked) and without a warning: under --pending-deprecation
 * process.binding is wrapped to warn, and the permission model refuses it; then net is used.
 */

/** libuv's UV_EOF, the same on every platform. */
const UV_EOF = -4095;

interface Request {
  oncomplete: (status: number) => void;
  handle?: TcpHandle;
}

interface TcpHandle {
  onread: (this: TcpHandle, buffer: ArrayBuffer | undefined) => void;
  connect(req: Request, address: string, port: number): number;
  connect6(req: Request, address: string, port: number): number;
  readStart(): number;
  writeBuffer(req: Request, data: Buffer): number;
  shutdown(req: Request): number;
  close(callback: () => void): void;
}

interface Handles {
  newSocket(): TcpHandle;
  newConnectRequest(): Request;
  newWriteRequest(): Request;
  newShutdownRequest(): Request;
  /** Set by each read and write: bytes read or an error, the buffer offset, whether a write waits. */
  state: Int32Array;
  readBytesOrError: number;
  arrayBufferOffset: number;
  lastWriteWasAsync: number;
}

type Constructor = new (...args: unknown[]) => unknown;
const isConstructor = (value: unknown): value is Constructor => typeof value === 'function';

let handles: Handles | null | undefined;

/** The binding, if this Node offers it as expected; undefined means: use node:net. */
export function libuvHandles(): Handles | undefined {
  if (handles === undefined) handles = findHandles();
  return handles ?? undefined;
}

function findHandles(): Handles | null {
  const binding = (process as { binding?: (name: string) => Record<string, unknown> }).binding;
  // util.deprecate's wrapper is named "deprecated": calling it would print DEP0111.
  if (typeof binding !== 'function' || binding.name !== 'binding') return null;
  let tcp: Record<string, unknown>;
  let stream: Record<string, unknown>;
  try {
    tcp = binding('tcp_wrap');
    stream = binding('stream_wrap');
  } catch {
    return null;
  }
  const { TCP, TCPConnectWrap, constants } = tcp;
  const { WriteWrap, ShutdownWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = stream;
  const socketType = (constants as { SOCKET?: unknown } | undefined)?.SOCKET;
  const proto = isConstructor(TCP) ? (TCP.prototype as Record<string, unknown>) : undefined;
  const methods = ['connect', 'connect6', 'readStart', 'writeBuffer', 'shutdown', 'close'];
  if (
    !isConstructor(TCP) ||
    !isConstructor(TCPConnectWrap) ||
    !isConstructor(WriteWrap) ||
    !isConstructor(ShutdownWrap) ||
    typeof socketType !== 'number' ||
    !(streamBaseState instanceof Int32Array) ||
    typeof kReadBytesOrError !== 'number' ||
    typeof kArrayBufferOffset !== 'number' ||
    typeof kLastWriteWasAsync !== 'number' ||
    !methods.every((name) => typeof proto?.[name] === 'function')
  ) {
    return null;
  }
  return {
    newSocket: () => new TCP(socketType) as TcpHandle,
    newConnectRequest: () => new TCPConnectWrap() as Request,
    newWriteRequest: () => new WriteWrap() as Request,
    newShutdownRequest: () => new ShutdownWrap() as Request,
    state: streamBaseState,
    readBytesOrError: kReadBytesOrError,
    arrayBufferOffset: kArrayBufferOffset,
    lastWriteWasAsync: kLastWriteWasAsync,
  };
}

/** An error as net.Socket reports it: "connect ECONNREFUSED 127.0.0.1:1883", with code and errno. */
function uvError(status: number, syscall: string, address?: string, port?: number): Error {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `Unknown system error ${status}`;
  }
  const where = address === undefined ? '' : ` ${address}:${port}`;
  return Object.assign(new Error(`${syscall} ${code}${where}`), {
    errno: status,
    code,
    syscall,
    ...(address === undefined ? {} : { address, port }),
  });
}

/** Is `address` an IPv4 or IPv6 literal the handle can connect to without a resolver? */
export function addressFamily(address: string): 4 | 6 | undefined {
  if (isDottedQuad(address)) return 4;
  // A bad IPv6 literal makes connect6 fail at once with EINVAL, and net is used instead.
  if (address.includes(':')) return 6;
  return undefined;
}

/**
 * Four decimal numbers 0-255 without leading zeros, as net.isIPv4 takes them. Not a regular
 * expression: compiling one as strict costs a one-shot run ~0.4 ms, more than the rest of it.
 */
function isDottedQuad(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts.every((part) => {
      if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === '0')) return false;
      for (const digit of part) if (digit < '0' || digit > '9') return false;
      return Number(part) <= 255;
    })
  );
}

/**
 * Connects to an IP address. Resolves with undefined when the handle cannot take the address
 * (net, which resolves names, should then), rejects as net.connect would fail.
 */
export function connectLibuv(
  uv: Handles,
  address: string,
  family: 4 | 6,
  port: number,
  events: LinkEvents,
  onAttempt: (link: TcpLink) => void,
): Promise<TcpLink | undefined> {
  return new Promise((resolve, reject) => {
    const handle = uv.newSocket();
    const link = new LibuvLink(uv, handle, events);
    const req = uv.newConnectRequest();
    req.oncomplete = (status: number) => {
      // Closed while connecting (destroy()), libuv reports ECANCELED here: rejected like any failure.
      if (status < 0) {
        link.closeQuietly();
        reject(uvError(status, 'connect', address, port));
        return;
      }
      const err = handle.readStart();
      if (err < 0) {
        link.closeQuietly();
        reject(uvError(err, 'read'));
        return;
      }
      link.opened = true;
      resolve(link);
    };
    const err = family === 6 ? handle.connect6(req, address, port) : handle.connect(req, address, port);
    if (err < 0) {
      link.closeQuietly();
      if (getSystemErrorName(err) === 'EINVAL') resolve(undefined);
      else reject(uvError(err, 'connect', address, port));
      return;
    }
    onAttempt(link);
  });
}

class LibuvLink implements TcpLink {
  private closed = false;
  /** Until then, as net.connect's socket, it reports nothing: the connect promise says how it went. */
  opened = false;
  /** Requests libuv still works on: kept reachable until their callback. */
  private readonly inFlight = new Set<Request>();

  constructor(
    private readonly uv: Handles,
    private readonly handle: TcpHandle,
    private readonly events: LinkEvents,
  ) {
    const onRead = (buffer: ArrayBuffer | undefined): void => {
      const nread = uv.state[uv.readBytesOrError]!;
      if (nread > 0 && buffer !== undefined) {
        if (!this.closed) events.data(Buffer.from(buffer, uv.state[uv.arrayBufferOffset]!, nread));
      } else if (nread === UV_EOF) {
        this.close();
      } else if (nread < 0) {
        this.fail(nread, 'read');
      }
    };
    handle.onread = onRead;
  }

  write(data: Buffer): void {
    if (this.closed) return;
    this.dispatch(this.uv.newWriteRequest(), 'write', (req) => this.handle.writeBuffer(req, data));
  }

  end(data: Buffer): void {
    this.write(data);
    if (this.closed) return;
    // libuv sends the FIN after the writes queued before it.
    this.dispatch(this.uv.newShutdownRequest(), 'shutdown', (req) => this.handle.shutdown(req));
  }

  /**
   * Hands a write or shutdown request to libuv. A write done at once leaves no callback to wait for
   * (the stream state says so); otherwise the request stays reachable until its callback.
   */
  private dispatch(req: Request, syscall: 'write' | 'shutdown', send: (req: Request) => number): void {
    req.handle = this.handle;
    req.oncomplete = (status: number) => {
      this.inFlight.delete(req);
      if (status < 0) this.fail(status, syscall);
    };
    const err = send(req);
    if (err < 0) this.fail(err, syscall);
    else if (syscall === 'shutdown' || this.uv.state[this.uv.lastWriteWasAsync]) this.inFlight.add(req);
  }

  destroy(): void {
    if (this.opened) this.close();
    else this.closeQuietly();
  }

  /** Closes without the close event: for a connection that never opened. */
  closeQuietly(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close(() => {});
  }

  private fail(status: number, syscall: string): void {
    if (this.closed) return;
    this.events.error(uvError(status, syscall));
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle.close(() => this.events.close());
  }
}
