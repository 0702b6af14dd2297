import type { Duplex, Writable } from 'node:stream';
import type { QoS } from './config.js';
import type { ReceivedMessage } from './subscribe.js';

/**
 * tssub's hot path. MQTT.js parses a whole socket read into packet objects up front and then
 * hands them over one per process.nextTick, each PUBACK a socket write of its own: the parsed
 * backlog survives the young generation's collections (which makes V8 grow it to its maximum) and
 * the per-message work dominates a QoS 1 stream. Here, between the socket and MQTT.js, PUBLISH
 * packets at QoS 0 and 1 are decoded and handed over one at a time, as they are read, and the
 * acknowledgements of one read go out as one write after its output has been written. Every
 * other packet (and any PUBLISH this path does not handle: QoS 2, MQTT 5 properties, anything
 * malformed) goes on to MQTT.js, in order: nothing after it is looked at until MQTT.js is done
 * with it.
 */

/** A PUBLISH as the hot path decodes it: a received message without MQTT 5 properties. */
export type InboundMessage = Omit<ReceivedMessage, 'properties'>;

/**
 * What became of one message: 'ack' handed over, acknowledge it; 'hold' not handled, do not;
 * a promise: handed over once it resolves (not at all if it rejects), and nothing after it is
 * read until then.
 */
export type Delivery = 'ack' | 'hold' | Promise<void>;

export interface InboundHandler {
  deliver(message: InboundMessage): Delivery;
  /** True once a delivered message ended the run: nothing more is delivered. */
  ending(): boolean;
  /** Hands over what deliver() kept back; acknowledgements wait for a returned promise. */
  flush(): void | Promise<void>;
  /** After ending() turned true: the output is flushed and the acknowledgements are written. */
  ended(): void;
  /** Called while the path waits for a promise; returns what ends the wait's side effects. */
  waiting(): () => void;
}

const PUBLISH = 3;
/** The fixed header is not complete yet. */
export const INCOMPLETE = -1;
/** A remaining length longer than four bytes: not MQTT. */
export const MALFORMED = -2;

/** Where the packet that starts at `start` ends (its remaining length decoded), or INCOMPLETE / MALFORMED. */
export function packetEnd(buf: Uint8Array, start: number, end: number): number {
  let length = 0;
  let multiplier = 1;
  for (let i = start + 1; i < start + 5; i++) {
    if (i >= end) return INCOMPLETE;
    const byte = buf[i]!;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return i + 1 + length;
    multiplier *= 128;
  }
  return MALFORMED;
}

/** Decodes topics, reusing the last string while the bytes repeat (a stream is mostly one topic). */
export class TopicDecoder {
  private bytes: Buffer = Buffer.alloc(0);
  private text = '';

  decode(buf: Buffer, start: number, end: number): string {
    const n = end - start;
    const last = this.bytes;
    if (n === last.length) {
      let i = 0;
      while (i < n && buf[start + i] === last[i]) i++;
      if (i === n) return this.text;
    }
    this.text = buf.toString('utf8', start, end);
    this.bytes = Buffer.from(buf.subarray(start, end));
    return this.text;
  }
}

/**
 * Decodes a PUBLISH at QoS 0 or 1 (MQTT 5: without properties) that starts at `start` and whose
 * body starts at `body`; undefined when MQTT.js should see it instead. The payload is a view of
 * `buf`.
 */
export function decodePublish(buf: Buffer, start: number, body: number, end: number, v5: boolean, topics: TopicDecoder): InboundMessage | undefined {
  const first = buf[start]!;
  const qos = (first >> 1) & 3;
  if (qos > 1 || body + 2 > end) return undefined;
  const topicLength = (buf[body]! << 8) | buf[body + 1]!;
  let at = body + 2 + topicLength;
  if (topicLength === 0 || at > end) return undefined;
  let messageId = 0;
  if (qos === 1) {
    if (at + 2 > end) return undefined;
    messageId = (buf[at]! << 8) | buf[at + 1]!;
    if (messageId === 0) return undefined;
    at += 2;
  }
  if (v5) {
    // A property length of zero; anything else (topic aliases included) is MQTT.js's to parse.
    if (at >= end || buf[at] !== 0) return undefined;
    at += 1;
  }
  return {
    topic: topics.decode(buf, body + 2, body + 2 + topicLength),
    payload: buf.subarray(at, end),
    qos: qos as QoS,
    retain: (first & 1) !== 0,
    dup: (first & 8) !== 0,
    messageId,
  };
}

/** PUBACKs for `ids`, one after another (reason code 0 is implied by the short form, in MQTT 5 too). */
export function encodePubacks(ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(ids.length * 4);
  let at = 0;
  for (const id of ids) {
    out[at++] = 0x40;
    out[at++] = 2;
    out[at++] = id >> 8;
    out[at++] = id & 0xff;
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

export class InboundTap {
  private socket!: Duplex;
  private mqttjs!: Writable;
  /** Reads not looked at yet. */
  private readonly queue: Buffer[] = [];
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** The start of a packet that a read cut off, and how long the whole packet is (once known). */
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private pieceTotal = INCOMPLETE;
  private paused = false;
  /** Promises being waited for; while there are any, nothing is read. */
  private waits = 0;
  private release: (() => void) | undefined;
  /** Not MQTT as this path knows it: everything goes to MQTT.js as is. */
  private passthrough = false;
  private stopped = false;
  private endPending = false;
  private readonly acks: number[] = [];
  /** Messages were delivered since the last flush. */
  private unflushed = false;
  private readonly topics = new TopicDecoder();

  constructor(
    private readonly handler: InboundHandler,
    private readonly v5: boolean,
    /** The client's MQTT 5 maximum packet size: a larger packet is MQTT.js's to refuse. */
    private readonly maxPacketSize = Infinity,
  ) {}

  /** Takes the place of `socket.pipe(mqttjs)`. */
  attach(socket: Duplex, mqttjs: Writable): void {
    this.socket = socket;
    this.mqttjs = mqttjs;
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      if (!this.paused) this.run();
    });
    // As pipe() does: a stream paused explicitly (the SOCKS handshake's) stays paused otherwise.
    socket.resume();
  }

  private run(): void {
    while (!this.paused) {
      if (this.endPending) {
        this.settle();
        continue;
      }
      if (this.pos >= this.buf.length) {
        const chunk = this.queue.shift();
        if (!chunk) {
          this.settle();
          return;
        }
        this.load(chunk);
        continue;
      }
      if (this.passthrough) {
        const rest = this.pos === 0 ? this.buf : this.buf.subarray(this.pos);
        this.pos = this.buf.length;
        if (!this.mqttjs.write(rest)) this.pause(new Promise<void>((resolve) => this.mqttjs.once('drain', resolve)));
        continue;
      }
      const end = packetEnd(this.buf, this.pos, this.buf.length);
      if (end === MALFORMED) {
        this.passthrough = true;
        continue;
      }
      if (end === INCOMPLETE || end > this.buf.length) {
        this.pieces = [this.buf.subarray(this.pos)];
        this.pieceBytes = this.buf.length - this.pos;
        this.pieceTotal = end === INCOMPLETE ? INCOMPLETE : end - this.pos;
        this.pos = this.buf.length;
        continue;
      }
      if (this.packet(this.buf, this.pos, end)) this.pos = end;
    }
  }

  /** Makes `chunk` the buffer to read, completing a packet cut off by the previous read. */
  private load(chunk: Buffer): void {
    this.pos = 0;
    if (this.pieces.length === 0) {
      this.buf = chunk;
      return;
    }
    this.pieces.push(chunk);
    this.pieceBytes += chunk.length;
    if (this.pieceTotal === INCOMPLETE) {
      // Only the few bytes of a fixed header: cheap to join.
      const joined = Buffer.concat(this.pieces, this.pieceBytes);
      const end = packetEnd(joined, 0, joined.length);
      this.pieces = [joined];
      this.pieceTotal = end;
      if (end === INCOMPLETE) {
        this.buf = EMPTY;
        return;
      }
    }
    if (this.pieceTotal !== MALFORMED && this.pieceBytes < this.pieceTotal) {
      this.buf = EMPTY;
      return;
    }
    this.buf = Buffer.concat(this.pieces, this.pieceBytes);
    this.pieces = [];
    this.pieceBytes = 0;
    this.pieceTotal = INCOMPLETE;
  }

  /** Handles one packet; false when it must wait its turn (the reader is paused). */
  private packet(buf: Buffer, start: number, end: number): boolean {
    if (buf[start]! >> 4 === PUBLISH) {
      if (!this.stopped && end - start <= this.maxPacketSize) {
        let body = start + 2;
        while (buf[body - 1]! & 0x80) body++;
        const message = decodePublish(buf, start, body, end, this.v5, this.topics);
        if (message) {
          this.deliver(message);
          return true;
        }
      }
      // MQTT wants acknowledgements in the order of the messages: ours go out before MQTT.js's.
      if (this.unflushed || this.acks.length > 0) {
        this.settle();
        if (this.paused) return false;
      }
    }
    this.forward(buf.subarray(start, end));
    return true;
  }

  private deliver(message: InboundMessage): void {
    const delivery = this.handler.deliver(message);
    this.unflushed = true;
    if (this.handler.ending()) {
      this.stopped = true;
      this.endPending = true;
    }
    if (delivery === 'ack') {
      if (message.qos === 1) this.acks.push(message.messageId);
    } else if (delivery !== 'hold') {
      this.pause(
        delivery.then(
          () => {
            if (message.qos === 1) this.acks.push(message.messageId);
          },
          () => {},
        ),
      );
    }
  }

  /** Hands one packet to MQTT.js and, unless it is done with it at once, waits until it is. */
  private forward(packet: Buffer): void {
    let done: (() => void) | undefined;
    let finished = false;
    this.mqttjs.write(packet, () => {
      finished = true;
      done?.();
    });
    if (this.mqttjs.writableLength === 0) return;
    // MQTT.js's handling must not be overtaken: what was delivered before goes out first.
    this.settle();
    this.pause(new Promise<void>((resolve) => (finished ? resolve() : (done = resolve))));
  }

  /** Writes the output of what was delivered, then its acknowledgements; then ends if asked to. */
  private settle(): void {
    if (this.paused) return;
    if (!this.unflushed) {
      this.sendAcks();
      return;
    }
    this.unflushed = false;
    let flushed: void | Promise<void>;
    try {
      flushed = this.handler.flush();
    } catch {
      flushed = Promise.reject(new Error('output failed'));
    }
    if (flushed) {
      this.pause(
        flushed.then(
          () => this.sendAcks(),
          () => {
            // Not written: not acknowledged (a kept session gets these messages again).
            this.acks.length = 0;
            this.sendAcks();
          },
        ),
      );
      return;
    }
    this.sendAcks();
  }

  private sendAcks(): void {
    if (this.acks.length > 0) {
      if (!this.socket.destroyed && this.socket.writable) this.socket.write(encodePubacks(this.acks));
      this.acks.length = 0;
    }
    if (this.endPending) {
      this.endPending = false;
      this.handler.ended();
    }
  }

  /** Reads nothing more (from the socket, too) until `until` settles, then goes on. */
  private pause(until: Promise<void>): void {
    if (this.waits++ === 0) {
      this.paused = true;
      this.socket.pause();
      this.release = this.handler.waiting();
    }
    void until.then(() => {
      if (--this.waits > 0) return;
      this.release?.();
      this.release = undefined;
      this.paused = false;
      this.socket.resume();
      this.run();
    });
  }
}
