import { Duplex } from 'node:stream';
import type http from 'node:http';
import type https from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import { noteBroker } from './broker.js';

/**
 * One WebSocket connection as the byte stream aedes reads, where `read()` without a size returns
 * everything buffered.
 *
 * Why not ws's createWebSocketStream: aedes reads a connection with one `read()` per 'readable'
 * event and counts on that call draining the buffer, as `read()` without a size did up to Node 25.
 * Node 26 returns one buffered chunk per `read()` (nodejs/node#60441), and 'readable' does not fire
 * again while data is left. A client writes its CONNECT in several small writes, each its own
 * WebSocket message and so its own chunk here, so aedes got the first byte and never a CONNECT.
 */
class MessageStream extends Duplex {
  readonly #socket: WebSocket;

  constructor(socket: WebSocket) {
    super();
    this.#socket = socket;
    socket.on('message', (data: Buffer) => {
      if (!this.push(data)) socket.pause();
    });
    socket.on('close', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
  }

  override read(size?: number | null): Buffer | null {
    // read(n) with n up to the buffered length concatenates, on every Node.
    return super.read(size ?? (this.readableLength > 0 ? this.readableLength : undefined)) as Buffer | null;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.#socket.send(chunk, { binary: true }, done);
  }

  override _final(done: () => void): void {
    this.#socket.close();
    done();
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.#socket.terminate();
    done(err);
  }
}

export interface WsBroker {
  /** Port of the ws:// listener. */
  port: number;
  /** Port of the wss:// listener, or 0 where none was asked for. */
  securePort: number;
  /** SUBSCRIBE packets aedes has handled so far. */
  subscribed(): number;
  /** Resolves once aedes has handled `n` SUBSCRIBE packets in all; rejects after `timeoutMs`. */
  waitForSubscribed(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An aedes broker behind `ws` on the path /mqtt (anything else is refused by ws with HTTP 400),
 * over plain HTTP and, given a TLS server, over HTTPS too. mosquitto's Debian build refuses
 * websockets listeners, hence this one.
 */
export async function startWsBroker(createServers: { plain: http.Server; secure?: https.Server }): Promise<WsBroker> {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  let subscribed = 0;
  aedes.on('subscribe', () => subscribed++);
  const closers: Array<() => Promise<void>> = [];
  const serve = async (server: http.Server | https.Server): Promise<number> => {
    const wss = new WebSocketServer({ server, path: '/mqtt' });
    wss.on('connection', (socket) => aedes.handle(new MessageStream(socket) as never));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close();
          server.close(() => resolve());
        }),
    );
    return (server.address() as { port: number }).port;
  };
  const port = await serve(createServers.plain);
  const securePort = createServers.secure ? await serve(createServers.secure) : 0;
  noteBroker('aedes behind ws (WebSocket tests)');
  return {
    port,
    securePort,
    subscribed: () => subscribed,
    waitForSubscribed: (n, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (subscribed >= n) return resolve();
        const timer = setTimeout(() => {
          aedes.off('subscribe', check);
          reject(new Error(`the WebSocket broker saw ${subscribed} SUBSCRIBE(s) in ${timeoutMs} ms, not ${n}`));
        }, timeoutMs);
        function check(): void {
          if (subscribed < n) return;
          clearTimeout(timer);
          aedes.off('subscribe', check);
          resolve();
        }
        aedes.on('subscribe', check);
      }),
    stop: async () => {
      for (const close of closers) await close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
