import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IClientPublishOptions, IConnackPacket, MqttClient } from 'mqtt';
import type { ConnectionConfig, MessageSource, PublishConfig } from './config.js';
import { closeSession, closeSessionFlushed, endpoint, openSession, watchPings, type SessionHooks } from './connect.js';
import { ConnectionLostError, InputError, InterruptedError, RejectedError, type TsmqttError } from './errors.js';
import { Reconnector, retryable } from './reconnect.js';
import { streamLines, type StreamProgress } from './line-stream.js';
import { PacketIdAllocator } from './message-ids.js';
import { PublishEncoder } from './packets.js';
import { reasonText } from './reason-codes.js';

/** The largest payload MQTT can carry in one PUBLISH (the remaining-length limit). */
export const MAX_PAYLOAD_BYTES = 268_435_455;

async function readWhole(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_PAYLOAD_BYTES) {
      throw new InputError(`standard input is larger than the MQTT limit of ${MAX_PAYLOAD_BYTES} bytes`);
    }
    chunks.push(buf);
  }
  if (size === 0) {
    // As mosquitto_pub does: an empty stdin is more likely a broken pipeline than a wish to
    // publish nothing (which with -r would clear the retained value).
    throw new InputError('standard input is empty: nothing to publish (-n publishes an empty message)');
  }
  return Buffer.concat(chunks, size);
}

async function readPayloadFile(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`cannot publish '${path}': it is a directory`);
    if (info.size > MAX_PAYLOAD_BYTES) {
      throw new InputError(`cannot publish '${path}': ${info.size} bytes is over the MQTT limit of ${MAX_PAYLOAD_BYTES}`);
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`cannot read '${path}': ${why}`);
  }
}

/**
 * Loads the payload before connecting, so unreadable input never costs a connection. Line input
 * (-l) is streamed after connecting instead; see line-stream.ts.
 */
export async function loadPayload(source: Exclude<MessageSource, { kind: 'lines' }>, stdin: () => Readable): Promise<Buffer> {
  switch (source.kind) {
    case 'message':
      return source.payload;
    case 'null':
      return Buffer.alloc(0);
    case 'file':
      return readPayloadFile(source.path);
    case 'stdin':
      return readWhole(stdin());
  }
}

/**
 * Publishes and resolves once the message is complete as its QoS requires: written (QoS 0),
 * PUBACK (QoS 1) or PUBCOMP (QoS 2). A lost connection or an MQTT 5 rejection rejects.
 */
export function publishOne(client: MqttClient, topic: string, payload: Buffer, config: PublishConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      reject(new ConnectionLostError(lostBeforeAcknowledged(topic)));
    };
    client.once('close', onClose);
    const options: IClientPublishOptions = { qos: config.qos, retain: config.retain };
    if (config.properties) options.properties = config.properties;
    client.publish(topic, payload, options, (err) => {
      client.removeListener('close', onClose);
      if (!err) {
        resolve();
        return;
      }
      const code = (err as Error & { code?: unknown }).code;
      if (typeof code === 'number' && code >= 128) {
        reject(new RejectedError(rejectedMessage(topic, code)));
      } else {
        reject(new ConnectionLostError(`publishing to '${topic}' failed: ${err.message}`));
      }
    });
  });
}

export interface PublishHooks extends SessionHooks {
  /** -l has started: `progress` is updated live until runPublish settles. */
  onStream?: (progress: Readonly<StreamProgress>) => void;
  /** A message the broker refused while streaming; the run goes on, and fails at the end. */
  onRejected?: (text: string) => void;
  /** -l with a kept session: the connection was lost, a reconnect is tried or has succeeded. */
  onReconnect?: (text: string) => void;
}

export interface PublishRun {
  connection: ConnectionConfig;
  publish: PublishConfig;
  /** Read only for -s and -l: a getter may build it on demand. */
  stdin: Readable;
  hooks: PublishHooks;
  signal?: AbortSignal;
}

/**
 * What the broker said in CONNACK that makes the publish impossible: refused before sending
 * rather than sent and dropped (mosquitto_pub exits 0 in these cases).
 */
function brokerLimitProblem(connack: Pick<IConnackPacket, 'properties'>, publish: PublishConfig): string | undefined {
  const limits = connack.properties;
  if (!limits) return undefined;
  if (limits.maximumQoS !== undefined && publish.qos > limits.maximumQoS) {
    return `the broker accepts messages up to QoS ${limits.maximumQoS}: use -q ${limits.maximumQoS}`;
  }
  if (limits.retainAvailable === false && publish.retain) {
    return 'the broker does not support retained messages: drop -r';
  }
  const alias = publish.properties?.topicAlias;
  if (alias !== undefined && alias > (limits.topicAliasMaximum ?? 0)) {
    return `the broker accepts topic aliases up to ${limits.topicAliasMaximum ?? 0}, not ${alias} (-D publish topic-alias)`;
  }
  return undefined;
}

/** The message of -m/-n/-f/-s, --repeat times, each after the previous one completed. */
async function publishRepeated(client: MqttClient, run: PublishRun, payload: Buffer): Promise<void> {
  const { signal, publish } = run;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError(signal!.reason as NodeJS.Signals));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  interrupted.catch(() => {});
  try {
    for (let i = 0; i < publish.repeat; i++) {
      if (i > 0 && publish.repeatDelayMs > 0) await Promise.race([sleep(publish.repeatDelayMs), interrupted]);
      await Promise.race([publishOne(client, publish.topic, payload, publish), interrupted]);
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** -l: the window is -M, or less if the broker's receive maximum (MQTT 5) is lower. */
async function publishLines(client: MqttClient, connack: IConnackPacket, run: PublishRun): Promise<void> {
  const progress: StreamProgress = { sent: 0, acknowledged: 0, rejected: 0 };
  run.hooks.onStream?.(progress);
  const receiveMaximum = connack.properties?.receiveMaximum;
  const maxPacketBytes = connack.properties?.maximumPacketSize;
  const ids = client.messageIdProvider;
  if (!(ids instanceof PacketIdAllocator)) throw new Error('the client was built without the packet id allocator');
  const outcome = await streamLines({
    client,
    ids,
    publish: run.publish,
    protocolVersion: run.connection.protocolVersion,
    input: run.stdin,
    window: Math.min(run.publish.maxInflight, receiveMaximum ?? Infinity),
    ...(maxPacketBytes !== undefined ? { maxPacketBytes } : {}),
    where: endpoint(run.connection),
    progress,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.hooks.onRejected ? { onRejected: run.hooks.onRejected } : {}),
    debug: run.hooks.debug !== undefined,
    maxLineBytes: MAX_PAYLOAD_BYTES,
    // Only a kept session remembers which messages it has: without one, a resent QoS 2 message
    // could arrive twice, and the broker forgets what it had not delivered anyway.
    ...(!run.connection.cleanSession && run.publish.qos > 0 ? { reconnect: () => reconnectSession(run) } : {}),
    ...(run.hooks.onReconnect ? { onReconnect: run.hooks.onReconnect } : {}),
  });
  await closeSessionFlushed(outcome.client, run.connection.disconnectProperties);
  if (progress.rejected > 0) {
    const n = progress.rejected;
    throw new RejectedError(`${n} line${n === 1 ? ' was' : 's were'} not published (see above)`);
  }
  if (!outcome.complete && run.signal?.aborted) {
    const sent = `${progress.sent} message${progress.sent === 1 ? '' : 's'}`;
    const acked = run.publish.qos === 0 ? 'sent' : 'sent and acknowledged';
    throw new InterruptedError(run.signal.reason as NodeJS.Signals, `${sent} ${acked}; the rest of the input was not read`);
  }
}

/** Most failed attempts before tspub -l gives up on a lost connection (1+2+4+8+16 s of waiting). */
export const PUBLISH_RECONNECT_ATTEMPTS = 5;

/** A new connection to the same kept session, with tssub's back-off; gives up after a while. */
async function reconnectSession(run: PublishRun): Promise<MqttClient> {
  const backoff = new Reconnector();
  for (let failures = 0; ; ) {
    await sleep(backoff.delayMs(), undefined, run.signal ? { signal: run.signal } : {}).catch(() => {
      throw new InterruptedError(run.signal!.reason as NodeJS.Signals);
    });
    try {
      const { client } = await openSession(run.connection, run.hooks, run.signal);
      client.on('error', () => {});
      watchPings(client);
      return client;
    } catch (err) {
      failures++;
      if (!retryable(err as TsmqttError) || failures >= PUBLISH_RECONNECT_ATTEMPTS) throw err;
      backoff.failed();
      run.hooks.onReconnect?.(`reconnecting failed: ${(err as Error).message}; trying again in ${backoff.delaySec()} s`);
    }
  }
}

/** Refuses, before connecting, a payload that cannot fit in one PUBLISH with its topic and header. */
export function checkPayloadFits(payload: Buffer, run: PublishRun): void {
  const { topic, qos, retain, properties } = run.publish;
  const { maxPayload } = new PublishEncoder(topic, qos, retain, run.connection.protocolVersion, properties);
  if (payload.length > maxPayload) {
    throw new InputError(
      `the message is ${payload.length} bytes; with its topic and header one MQTT packet can carry at most ${maxPayload}`,
    );
  }
}

/** Refuses a publish that the broker's CONNACK says it would not take (MQTT 5 limits). */
export function checkBrokerLimits(connack: Pick<IConnackPacket, 'properties'>, run: PublishRun, payload: Buffer | undefined): void {
  const problem = brokerLimitProblem(connack, run.publish);
  if (problem) throw new RejectedError(problem);
  const maxPacketBytes = connack.properties?.maximumPacketSize;
  if (payload !== undefined && maxPacketBytes !== undefined) {
    const { topic, qos, retain, properties } = run.publish;
    const size = new PublishEncoder(topic, qos, retain, run.connection.protocolVersion, properties).size(payload.length);
    if (size > maxPacketBytes) {
      throw new RejectedError(`the message is ${size} bytes as a packet, over the broker's maximum packet size of ${maxPacketBytes}`);
    }
  }
}

/** The text of a lost connection while a message waits for its acknowledgement. */
export function lostBeforeAcknowledged(topic: string): string {
  return `connection lost before the broker acknowledged the message on '${topic}'`;
}

/** The text of an MQTT 5 PUBACK/PUBREC whose reason code (>= 128) refuses the message. */
export function rejectedMessage(topic: string, code: number): string {
  return `the broker rejected the message on '${topic}': ${reasonText(code)} (reason code ${code})`;
}

export async function runPublish(run: PublishRun): Promise<void> {
  const { source } = run.publish;
  const payload = source.kind === 'lines' ? undefined : await loadPayload(source, () => run.stdin);
  if (payload !== undefined) checkPayloadFits(payload, run);
  const { client, connack } = await openSession(run.connection, run.hooks, run.signal);
  // A socket error after CONNACK (ECONNRESET ...) is followed by 'close', which is what the
  // publishing code reports, with what was left unacknowledged.
  client.on('error', () => {});
  try {
    checkBrokerLimits(connack, run, payload);
    if (payload === undefined) {
      watchPings(client);
      await publishLines(client, connack, run);
      return;
    }
    await publishRepeated(client, run, payload);
  } catch (err) {
    client.end(true);
    throw err;
  }
  await closeSession(client, run.connection.disconnectProperties);
}
