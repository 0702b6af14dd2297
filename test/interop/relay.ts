import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A loopback TCP relay in front of a broker that counts the SUBACKs the broker sends.
 *
 * RabbitMQ and ejabberd log nothing a test could wait on when a subscription is in place, and
 * mosquitto_sub prints nothing either; the SUBACK on the wire is the one sign common to every
 * broker and every client. Only the fixed header is read (packet type and remaining length), which
 * is the same in MQTT 3.1, 3.1.1 and 5, so the relay needs no protocol version.
 */
export interface Relay {
  readonly port: number;
  subacks(): number;
  waitForSubacks(n: number, timeoutMs: number): Promise<void>;
  /** The session-present flag of every CONNACK so far, in order. */
  connacks(): boolean[];
  waitForConnacks(n: number, timeoutMs: number): Promise<void>;
  /** Drops every relayed connection at once, as a broker crash would look to the clients. */
  dropAll(): void;
  stop(): Promise<void>;
}

/**
 * Splits a byte stream into MQTT packets by their fixed header and reports each packet's type and
 * first body byte (the CONNACK flags; undefined for an empty body).
 */
export class PacketFramer {
  private buffered = Buffer.alloc(0);
  /** Bytes of the current packet still to skip (its body may span many chunks; it is not kept). */
  private skipping = 0;
  /** False once the stream stopped looking like MQTT: nothing more is reported. */
  private sane = true;

  constructor(private readonly onPacket: (type: number, firstByte: number | undefined) => void) {}

  push(chunk: Buffer): void {
    let data = chunk;
    // Each pass consumes at least one byte or returns, so the loop ends.
    while (this.sane && data.length > 0) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, data.length);
        this.skipping -= n;
        data = data.subarray(n);
        continue;
      }
      this.buffered = Buffer.concat([this.buffered, data]);
      data = Buffer.alloc(0);
      const header = readFixedHeader(this.buffered);
      if (header === 'incomplete') return;
      if (header === 'invalid') {
        this.sane = false;
        return;
      }
      if (header.remainingLength > 0 && this.buffered.length <= header.headerLength) return;
      this.onPacket(header.type, header.remainingLength > 0 ? this.buffered[header.headerLength] : undefined);
      const rest = this.buffered.subarray(header.headerLength);
      this.buffered = Buffer.alloc(0);
      this.skipping = header.remainingLength;
      data = rest;
    }
  }
}

function readFixedHeader(buf: Buffer): { type: number; headerLength: number; remainingLength: number } | 'incomplete' | 'invalid' {
  if (buf.length < 2) return 'incomplete';
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const byte = buf[i];
    if (byte === undefined) return 'incomplete';
    value += (byte & 0x7f) * 128 ** (i - 1);
    if ((byte & 0x80) === 0) return { type: buf[0]! >> 4, headerLength: i + 1, remainingLength: value };
  }
  return 'invalid';
}

const CONNACK = 2;
const SUBACK = 9;

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  let subacks = 0;
  const connacks: boolean[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.host, port: target.port });
    sockets.add(client).add(upstream);
    const framer = new PacketFramer((type, firstByte) => {
      if (type === SUBACK) subacks++;
      if (type === CONNACK) connacks.push(((firstByte ?? 0) & 1) === 1);
    });
    client.pipe(upstream);
    upstream.on('data', (data: Buffer) => framer.push(data));
    upstream.pipe(client);
    // pipe() passes a half-close on (FIN for FIN), so a client killed with SIGKILL looks to the
    // broker like a dropped connection and its will is sent. A reset, or a side that is gone
    // for good, ends the other side too; a short grace lets queued bytes (a DISCONNECT) through.
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const [s, other] of [[client, upstream], [upstream, client]] as const) {
      s.on('error', drop);
      s.on('close', () => {
        sockets.delete(s);
        other.end();
        setTimeout(() => other.destroy(), 2000).unref();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    subacks: () => subacks,
    async waitForSubacks(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (subacks < n) {
        if (Date.now() > deadline) throw new Error(`no SUBACK #${n} within ${timeoutMs} ms (seen ${subacks})`);
        await sleep(10);
      }
    },
    connacks: () => [...connacks],
    async waitForConnacks(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (connacks.length < n) {
        if (Date.now() > deadline) throw new Error(`no CONNACK #${n} within ${timeoutMs} ms (seen ${connacks.length})`);
        await sleep(10);
      }
    },
    dropAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async stop() {
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
