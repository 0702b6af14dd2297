import type { Readable } from 'node:stream';
import type { IClientPublishOptions } from 'mqtt';
import type { ConnectionConfig, PublishConfig } from '../config/types.js';
import { ConnectionLostError, InputError, InterruptedError, ProtocolError } from '../errors.js';
import { lossReason, type Loss } from '../session/loss.js';
import { reasonText } from '../session/reason-codes.js';
import { endpoint, type SessionClient } from '../session/session.js';
import type { PublishSizer } from '../wire/packet-size.js';
import { LineReader } from './lines.js';
import { publishOptions } from './publish-options.js';

/** Live counters of a -l run, read by whoever shows progress. */
export interface StreamProgress {
  /** Messages handed to the client. */
  sent: number;
  /** QoS 1/2 messages the broker acknowledged (PUBACK / PUBCOMP). */
  acknowledged: number;
  /** Messages refused: by the broker (MQTT 5 reason code >= 128), or too large to send. */
  rejected: number;
}

export interface LineStreamOptions {
  client: SessionClient;
  publish: PublishConfig;
  input: Readable;
  /** Most QoS 1/2 messages awaiting acknowledgement at once. */
  window: number;
  /** Sizes of this run's PUBLISH packets. */
  sizer: PublishSizer;
  /** The broker's maximum packet size (MQTT 5 CONNACK), if it gave one. */
  maxPacketBytes?: number;
  /** The broker's address and settings, for messages. */
  connection: ConnectionConfig;
  progress: StreamProgress;
  /** Ends reading; what was sent is still waited for. */
  signal?: AbortSignal;
  /** One refused message, worded for stderr. */
  onRejected?: (text: string) => void;
  /**
   * A kept session (-c -i): called when the connection is lost, resolves once the same client is
   * connected to the same session again (MQTT.js then sends what was not acknowledged), or rejects.
   */
  resume?: () => Promise<void>;
  /** The connection was lost and is being re-established, or was. */
  onReconnect?: (text: string) => void;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Publishes stdin line by line as lines arrive (`tail -f log | tspub -l` works), each line one
 * client.publish. stdin is read only as fast as the client takes the messages: at QoS 0 until a
 * write finds the socket full (MQTT.js then calls back on 'drain'), at QoS 1/2 while fewer than
 * the window await their acknowledgement. Memory stays flat however long the input is. MQTT.js
 * corks the socket for a tick at each packet, so the messages of one read go out in one write.
 */
class LineStream {
  private client: SessionClient;
  private readonly reader: LineReader;
  private publishOptions: IClientPublishOptions;
  /** QoS 0: one publish waiting for 'drain' means the socket is full. */
  private readonly window: number;
  private pending = 0;
  private lineCount = 0;
  private holding = false;
  private reconnecting = false;
  private reconnectError: Error | undefined;
  /** Why the connection was lost, from the client's ending at 'close'. */
  private loss: Loss | undefined;
  lost = false;
  complete = false;
  private wake: (() => void) | undefined;
  private stopReading!: () => void;
  readonly stopped = new Promise<void>((resolve) => (this.stopReading = resolve));

  constructor(private readonly options: LineStreamOptions) {
    this.client = options.client;
    const { publish } = options;
    this.window = publish.qos === 0 ? 1 : options.window;
    this.publishOptions = publishOptions(publish, true);
    const maxLineBytes = options.sizer.maxPayload;
    this.reader = new LineReader(
      maxLineBytes,
      () => new InputError(`line ${this.lineCount + 1} of standard input is longer than ${maxLineBytes} bytes, the most one MQTT packet can carry here`),
    );
  }

  readonly notify = (): void => {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  };

  readonly stop = (): void => {
    this.stopReading();
    this.notify();
  };

  halted(): boolean {
    return this.lost || this.options.signal?.aborted === true;
  }

  private full(): boolean {
    return this.reconnecting || this.pending >= this.window;
  }

  private waitForNews(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private reject(line: number, why: string): void {
    this.options.progress.rejected++;
    this.options.onRejected?.(`line ${line} on '${this.options.publish.topic}' was not published: ${why}`);
  }

  private published(line: number, err: Error | undefined): void {
    if (this.lost) return;
    this.pending--;
    const code = (err as (Error & { code?: unknown }) | undefined)?.code;
    if (typeof code === 'number' && code >= 128) this.reject(line, `the broker refused it: ${reasonText(code)} (reason code ${code})`);
    else if (err) this.lost = true;
    else if (this.options.publish.qos > 0) this.options.progress.acknowledged++;
    this.notify();
  }

  /** Publishes the reader's lines while there is room. True once the current chunk is used up. */
  pump(): boolean {
    const { progress, publish, sizer } = this.options;
    const maxPacketBytes = this.options.maxPacketBytes ?? Infinity;
    for (;;) {
      if (!this.holding) {
        if (!this.reader.next()) return true;
        this.holding = true;
        this.lineCount++;
      }
      const { source, start, end } = this.reader;
      const size = sizer.size(end - start);
      if (size > maxPacketBytes) {
        this.reject(this.lineCount, `${size} bytes as a packet, over the broker's maximum packet size of ${maxPacketBytes}`);
        this.holding = false;
        continue;
      }
      if (this.full() || this.halted()) return false;
      this.holding = false;
      this.pending++;
      progress.sent++;
      const line = this.lineCount;
      this.client.publish(publish.topic, source.subarray(start, end), this.publishOptions, (err) => this.published(line, err ?? undefined));
      if (line === 1) this.publishOptions = publishOptions(publish, false);
    }
  }

  /** Publishes what the reader holds, waiting for room as needed; false if the run was halted first. */
  async sendAll(): Promise<boolean> {
    while (!this.pump()) {
      while (!this.halted() && this.full()) await this.waitForNews();
      if (this.halted()) return false;
    }
    return true;
  }

  feed(chunk: Buffer | string): void {
    this.reader.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  /** The input ended: its last line, even without a newline, is a message. */
  finishInput(): void {
    if (this.reader.finish()) {
      this.holding = true;
      this.lineCount++;
    }
    this.reader.feed(Buffer.alloc(0));
  }

  async drain(): Promise<void> {
    while (!this.lost && this.pending > 0) await this.waitForNews();
  }

  readonly onClose = (): void => {
    const { resume, signal, publish, connection } = this.options;
    const ending = this.client.ending;
    this.loss = lossReason(ending, connection);
    // A broker that disconnected us on purpose, or broke the protocol, is not asked again.
    if (!resume || publish.qos === 0 || signal?.aborted || ending.disconnect !== undefined || this.loss.protocol) {
      this.lost = true;
      this.stop();
      return;
    }
    this.reconnecting = true;
    this.options.onReconnect?.(`connection to ${endpoint(this.options.connection)} lost with ${plural(this.pending, 'message')} not acknowledged; reconnecting`);
    resume().then(
      () => {
        this.reconnecting = false;
        this.options.onReconnect?.(`reconnected to ${endpoint(this.options.connection)}: ${plural(this.pending, 'message')} sent again`);
        this.notify();
      },
      (err: Error) => {
        this.reconnecting = false;
        this.reconnectError = err;
        this.lost = true;
        this.stop();
      },
    );
  };

  /** The error that ends a run whose connection was lost. */
  lostError(): Error {
    const { progress, publish } = this.options;
    const where = endpoint(this.options.connection);
    const loss = this.loss;
    // A plain close says nothing the counts below do not; any other cause is named.
    let cause = loss && loss.text !== 'the broker closed the connection' ? ` (${loss.text})` : '';
    const rest = this.complete ? '' : '; the rest of the input was not published';
    const err = this.reconnectError;
    if (err && !(err instanceof InterruptedError)) cause += ` and reconnecting failed: ${err.message}`;
    const sent = plural(progress.sent, 'message');
    const what =
      publish.qos === 0
        ? `${sent} sent at QoS 0, which has no acknowledgements: some may not have arrived`
        : `${this.pending} of ${sent} sent not acknowledged`;
    // A signal during the back-off ends the run as a signal does (130/143), with what was left.
    if (err instanceof InterruptedError) return new InterruptedError(err.signal, `connection to ${where} lost, not reconnected: ${what}${rest}`);
    if (loss?.protocol) return new ProtocolError(`connection to ${where} lost${cause}: ${what}${rest}`);
    return new ConnectionLostError(`connection to ${where} lost${cause}: ${what}${rest}`);
  }
}

/** Reads chunks until the input ends or reading must stop; true when it ended. */
async function readAll(stream: LineStream, input: Readable): Promise<boolean> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  while (!stream.halted()) {
    const read = chunks.next();
    // If reading stops first, this read ends with the stream's destruction: not an error.
    read.catch(() => {});
    let next: IteratorResult<Buffer | string> | undefined;
    try {
      next = await Promise.race([read, stream.stopped.then(() => undefined)]);
    } catch (err) {
      throw new InputError(`cannot read standard input: ${(err as Error).message}`);
    }
    if (next === undefined) return false;
    if (next.done) {
      stream.finishInput();
      return stream.sendAll();
    }
    stream.feed(next.value);
    if (!(await stream.sendAll())) return false;
  }
  return false;
}

/**
 * Publishes stdin, a line a message. Resolves once every message sent is acknowledged as its QoS
 * requires (or refused: see progress.rejected) with whether the input was read to its end; throws
 * ConnectionLostError, saying how many messages went unacknowledged, if the connection goes first.
 */
export async function streamLines(options: LineStreamOptions): Promise<{ complete: boolean }> {
  const { client, input, signal } = options;
  const stream = new LineStream(options);
  client.on('close', stream.onClose);
  signal?.addEventListener('abort', stream.stop, { once: true });
  try {
    stream.complete = await readAll(stream, input);
    // Every message sent must be accounted for before the connection may close.
    await stream.drain();
  } finally {
    client.removeListener('close', stream.onClose);
    signal?.removeEventListener('abort', stream.stop);
    // A pending read (stdin still open) must not keep the process alive.
    if (!stream.complete) input.destroy();
  }
  if (stream.lost) throw stream.lostError();
  return { complete: stream.complete };
}
