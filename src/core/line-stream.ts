import type { Readable } from 'node:stream';
import type { IDisconnectPacket, MqttClient, Packet } from 'mqtt';
import type { PublishConfig } from './config.js';
import { ConnectionLostError, InputError, InterruptedError } from './errors.js';
import { LineReader } from './lines.js';
import { BatchWriter } from './batch-writer.js';
import type { PacketIdAllocator } from './message-ids.js';
import { encodePubrel, PublishEncoder } from './packets.js';
import { reasonText } from './reason-codes.js';

/** Live counters of a -l run, read by whoever shows progress. */
export interface StreamProgress {
  /** Messages handed to the socket. */
  sent: number;
  /** QoS 1/2 messages the broker acknowledged (PUBACK / PUBCOMP). */
  acknowledged: number;
  /** Messages refused: by the broker (MQTT 5 reason code >= 128), or too large to send. */
  rejected: number;
}

export interface LineStreamOptions {
  client: MqttClient;
  /** The client's packet id provider, shared so ids never clash with MQTT.js's own. */
  ids: PacketIdAllocator;
  publish: PublishConfig;
  protocolVersion: number;
  input: Readable;
  /** Most QoS 1/2 messages awaiting acknowledgement at once. */
  window: number;
  /** The broker's maximum packet size (MQTT 5 CONNACK), if it gave one. */
  maxPacketBytes?: number;
  /** 'host:port', for messages. */
  where: string;
  progress: StreamProgress;
  /** Ends reading; what was sent is still waited for. */
  signal?: AbortSignal;
  /** One refused message, worded for stderr. */
  onRejected?: (text: string) => void;
  /** -d: describes each PUBLISH/PUBREL sent, as MQTT.js does for its own packets. */
  debug?: boolean;
  maxLineBytes: number;
  /**
   * A kept session (-c -i): called when the connection is lost, resolves with a new connection
   * to the same session (or rejects: the run then ends as lost). The messages not yet
   * acknowledged are sent again on it.
   */
  reconnect?: () => Promise<MqttClient>;
  /** The connection was lost and is being re-established, or was. */
  onReconnect?: (text: string) => void;
}

/** How a stream that kept its connection ended. */
export interface LineStreamOutcome {
  /** The input was read to its end (false: interrupted). */
  complete: boolean;
  /** The connection the stream ended on (a new one after a reconnect). */
  client: MqttClient;
}

const NO_LINE = 0;
/** Packets are encoded into slabs of this size (a larger packet gets a buffer of its own). */
const SLAB_BYTES = 64 * 1024;

/**
 * Publishes stdin line by line as lines arrive (`tail -f log | tspub -l` works). stdin is read
 * only as fast as the socket takes the messages and, at QoS 1/2, as acknowledgements free room in
 * the window, so memory stays flat however long the input is. Packet ids come from the shared
 * allocator, which never hands out one still awaiting its acknowledgement, so ids wrap safely past
 * 65,535. Resolves once every message sent is acknowledged as its QoS requires (or refused: see
 * progress.rejected); throws ConnectionLostError, saying how many messages went unacknowledged,
 * if the connection goes away first.
 *
 * PUBLISH packets are encoded here and written straight to MQTT.js's socket; their PUBACK,
 * PUBREC (answered with PUBREL) and PUBCOMP are handled here too. MQTT.js ignores acks for ids it
 * did not send and keeps doing the rest: CONNECT, keepalive, DISCONNECT.
 */
export async function streamLines(options: LineStreamOptions): Promise<LineStreamOutcome> {
  const { ids, publish, input, progress, signal } = options;
  let client = options.client;
  let socket = client.stream;
  const encoder = new PublishEncoder(publish.topic, publish.qos, publish.retain, options.protocolVersion, publish.properties);
  const window = publish.qos === 0 ? Infinity : options.window;
  // For each packet id in flight, the line it carries (1-based), for messages and bookkeeping.
  const lineOf = new Float64Array(0x10000);
  // With a kept session, each payload in flight is kept to be sent again after a reconnect, and
  // QoS 2 messages past PUBREC are marked: they get their PUBREL again instead.
  const keep = options.reconnect !== undefined && publish.qos > 0;
  const copies: Array<Buffer | undefined> = keep ? new Array<Buffer | undefined>(0x10000) : [];
  const released = new Uint8Array(keep ? 0x10000 : 0);
  /** A new connection is being sought: nothing is sent meanwhile. */
  let reconnecting = false;
  let reconnectError: Error | undefined;

  let inflight = 0;
  /** Lines taken from the input so far, sent or not. */
  let lineCount = 0;
  let lost = false;
  let brokerDisconnect: number | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  // Resolves when reading must stop at once, even while stdin is silent (tail -f).
  let stopReading!: () => void;
  const stopped = new Promise<void>((resolve) => (stopReading = resolve));
  const stop = (): void => {
    stopReading();
    notify();
  };

  const reject = (line: number, why: string): void => {
    progress.rejected++;
    options.onRejected?.(`line ${line} on '${publish.topic}' was not published: ${why}`);
  };
  const finish = (id: number, reasonCode: number | undefined): void => {
    const line = lineOf[id]!;
    lineOf[id] = NO_LINE;
    if (keep) {
      copies[id] = undefined;
      released[id] = 0;
    }
    ids.deallocate(id);
    inflight--;
    if (reasonCode !== undefined && reasonCode >= 128) {
      reject(line, `the broker refused it: ${reasonText(reasonCode)} (reason code ${reasonCode})`);
    } else {
      progress.acknowledged++;
    }
    notify();
  };
  const onPacket = (packet: Packet): void => {
    if (packet.cmd !== 'puback' && packet.cmd !== 'pubrec' && packet.cmd !== 'pubcomp') return;
    const id = packet.messageId ?? 0;
    if (lineOf[id] === NO_LINE) return;
    const code = packet.reasonCode;
    if (packet.cmd === 'pubrec' && (code === undefined || code < 128)) {
      if (options.debug) client.emit('packetsend', { cmd: 'pubrel', messageId: id } as Packet);
      if (keep) released[id] = 1;
      socket.write(encodePubrel(id));
      return;
    }
    // A refusing PUBREC ends a QoS 2 exchange; otherwise PUBACK ends QoS 1 and PUBCOMP QoS 2.
    const ends = packet.cmd === 'pubrec' || packet.cmd === (publish.qos === 1 ? 'puback' : 'pubcomp');
    if (ends) finish(id, code);
  };
  const attach = (c: MqttClient): void => {
    c.on('packetreceive', onPacket);
    c.on('close', onClose);
    c.on('disconnect', onDisconnect);
    c.stream.on('drain', notify);
  };
  const detach = (c: MqttClient): void => {
    c.removeListener('packetreceive', onPacket);
    c.removeListener('close', onClose);
    c.removeListener('disconnect', onDisconnect);
    c.stream.removeListener('drain', notify);
  };
  /** Sends what is still unacknowledged again, in line order, on the new connection. */
  const resend = (): number => {
    const waiting: number[] = [];
    for (let id = 1; id < 0x10000; id++) if (lineOf[id] !== NO_LINE) waiting.push(id);
    waiting.sort((a, b) => lineOf[a]! - lineOf[b]!);
    for (const id of waiting) {
      if (released[id]) {
        if (options.debug) client.emit('packetsend', { cmd: 'pubrel', messageId: id } as Packet);
        socket.write(encodePubrel(id));
        continue;
      }
      const payload = copies[id]!;
      const packet = Buffer.allocUnsafe(encoder.size(payload.length));
      encoder.encodeInto(packet, 0, id, payload, 0, payload.length);
      // DUP: this PUBLISH may have reached the broker before the connection went.
      packet[0]! |= 0x08;
      if (options.debug) client.emit('packetsend', { ...describePublish(publish, id, packet, payload.length), dup: true } as Packet);
      socket.write(packet);
    }
    return waiting.length;
  };
  const onClose = (): void => {
    if (!keep || signal?.aborted || brokerDisconnect !== undefined) {
      lost = true;
      stop();
      return;
    }
    detach(client);
    reconnecting = true;
    options.onReconnect?.(`connection to ${options.where} lost with ${inflight} message${inflight === 1 ? '' : 's'} not acknowledged; reconnecting`);
    options.reconnect!().then(
      (c) => {
        client = c;
        socket = c.stream;
        batches = new BatchWriter(socket, SLAB_BYTES);
        attach(c);
        reconnecting = false;
        const n = resend();
        options.onReconnect?.(`reconnected to ${options.where}: ${n} message${n === 1 ? '' : 's'} sent again`);
        notify();
      },
      (err: Error) => {
        reconnecting = false;
        reconnectError = err;
        lost = true;
        stop();
      },
    );
  };
  const onDisconnect = (packet: IDisconnectPacket): void => {
    brokerDisconnect = packet.reasonCode;
  };
  attach(client);
  signal?.addEventListener('abort', stop, { once: true });

  const halted = (): boolean => lost || signal?.aborted === true;
  const full = (): boolean => reconnecting || inflight >= window || socket.writableNeedDrain;
  const room = async (): Promise<void> => {
    while (!halted() && full()) await new Promise<void>((resolve) => (wake = resolve));
  };

  let batches = new BatchWriter(socket, SLAB_BYTES);

  const maxLineBytes = Math.min(options.maxLineBytes, encoder.maxPayload);
  const reader = new LineReader(
    maxLineBytes,
    () => new InputError(`line ${lineCount + 1} of standard input is longer than ${maxLineBytes} bytes, the most one MQTT packet can carry here`),
  );
  /** The reader holds a line that has not been sent yet. */
  let holding = false;
  const maxPacketBytes = options.maxPacketBytes ?? Infinity;
  const withId = publish.qos > 0;
  const debug = options.debug === true;
  /**
   * Sends the reader's lines while the window and the socket have room, in one write. True once
   * the current chunk is used up; false when it stopped for room.
   */
  const pump = (): boolean => {
    // Only a write can fill the socket: asked after each one, not for every line.
    let writes = batches.writes;
    let socketFull = socket.writableNeedDrain;
    try {
      for (;;) {
        if (!holding) {
          if (!reader.next()) return true;
          holding = true;
          lineCount++;
        }
        const length = reader.end - reader.start;
        const size = encoder.size(length);
        if (size > maxPacketBytes) {
          reject(lineCount, `${size} bytes as a packet, over the broker's maximum packet size of ${maxPacketBytes}`);
          holding = false;
          continue;
        }
        if (reconnecting || inflight >= window || socketFull) return false;
        let id = 0;
        if (withId) {
          const allocated = ids.allocate();
          // Every id awaits an acknowledgement: wait for one, as for a full window.
          if (allocated === null) return false;
          id = allocated;
          lineOf[id] = lineCount;
          if (keep) copies[id] = Buffer.from(reader.source.subarray(reader.start, reader.end));
          inflight++;
        }
        const target = batches.reserve(size);
        if (batches.writes !== writes) {
          writes = batches.writes;
          socketFull = socket.writableNeedDrain;
        }
        const begin = batches.offset;
        const end = encoder.encodeInto(target, begin, id, reader.source, reader.start, reader.end);
        batches.commit(end);
        holding = false;
        progress.sent++;
        if (debug) client.emit('packetsend', describePublish(publish, id, target.subarray(begin, end), length));
      }
    } finally {
      batches.flush();
    }
  };
  /** Sends what the reader holds, waiting for room as needed; false if the run was halted first. */
  const sendAll = async (): Promise<boolean> => {
    while (!pump()) {
      await room();
      if (halted()) return false;
    }
    return true;
  };

  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let complete = false;
  try {
    while (!halted()) {
      const read = chunks.next();
      // If reading stops first, this read ends with the stream's destruction: not an error.
      read.catch(() => {});
      let next: IteratorResult<Buffer | string> | undefined;
      try {
        next = await Promise.race([read, stopped.then(() => undefined)]);
      } catch (err) {
        throw new InputError(`cannot read standard input: ${(err as Error).message}`);
      }
      if (next === undefined) break;
      if (next.done) {
        if (reader.finish()) {
          holding = true;
          lineCount++;
        }
        reader.feed(Buffer.alloc(0));
        complete = await sendAll();
        break;
      }
      reader.feed(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
      if (!(await sendAll())) break;
    }
    // Every message sent must be accounted for before the connection may close.
    while (!lost && inflight > 0) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    detach(client);
    signal?.removeEventListener('abort', stop);
    // A pending read (stdin still open) must not keep the process alive.
    if (!complete) input.destroy();
  }

  if (lost) {
    let cause =
      brokerDisconnect !== undefined && brokerDisconnect >= 128
        ? ` (the broker disconnected: ${reasonText(brokerDisconnect)}, reason code ${brokerDisconnect})`
        : '';
    const rest = complete ? '' : '; the rest of the input was not published';
    if (reconnectError && !(reconnectError instanceof InterruptedError)) cause += ` and reconnecting failed: ${reconnectError.message}`;
    const sent = `${progress.sent} message${progress.sent === 1 ? '' : 's'}`;
    const what =
      publish.qos === 0
        ? `${sent} sent at QoS 0, which has no acknowledgements: some may not have arrived`
        : `${inflight} of ${sent} sent not acknowledged`;
    // A signal during the back-off ends the run as a signal does (130/143), with what was left.
    if (reconnectError instanceof InterruptedError) {
      throw new InterruptedError(reconnectError.signal, `connection to ${options.where} lost, not reconnected: ${what}${rest}`);
    }
    throw new ConnectionLostError(`connection to ${options.where} lost${cause}: ${what}${rest}`);
  }
  return { complete, client };
}

/** The packet as MQTT.js would describe it, for -d only. */
function describePublish(publish: PublishConfig, id: number, bytes: Buffer, payloadLength: number): Packet {
  return {
    cmd: 'publish',
    topic: publish.topic,
    payload: bytes.subarray(bytes.length - payloadLength),
    qos: publish.qos,
    retain: publish.retain,
    dup: false,
    messageId: id,
    length: bytes.length,
  } as Packet;
}
