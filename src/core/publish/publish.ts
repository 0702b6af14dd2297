import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IClientPublishOptions, IConnackPacket } from 'mqtt';
import type { ConnectionConfig, ProtocolVersion, PublishConfig } from '../config/types.js';
import { ConnectionLostError, InputError, InterruptedError, ProtocolError, RejectedError, type TsmqttError } from '../errors.js';
import { lossReason } from '../session/loss.js';
import { reasonText } from '../session/reason-codes.js';
import { Reconnector, retryable } from '../session/reconnect.js';
import {
  closeSession,
  closeSessionFlushed,
  endpoint,
  openSession,
  resumeSession,
  watchPings,
  type SessionClient,
  type SessionHooks,
} from '../session/session.js';
import { PublishSizer } from '../wire/packet-size.js';
import { streamLines, type StreamProgress } from './line-stream.js';
import { loadPayload } from './payload.js';
import { publishOptions } from './publish-options.js';
import { downgradeError, watchQos2Downgrades } from './qos2-downgrade.js';

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

/** The error of a connection lost while a message waits for its acknowledgement. */
function lostBeforeAcknowledged(client: SessionClient, connection: ConnectionConfig, topic: string): TsmqttError {
  const loss = lossReason(client.ending, connection);
  const text = `connection to ${endpoint(connection)} lost before the broker acknowledged the message on '${topic}': ${loss.text}`;
  return loss.protocol ? new ProtocolError(text) : new ConnectionLostError(text);
}

/** The text of an MQTT 5 PUBACK/PUBREC whose reason code (>= 128) refuses the message. */
function rejectedMessage(topic: string, code: number): string {
  return `the broker rejected the message on '${topic}': ${reasonText(code)} (reason code ${code})`;
}

/**
 * Publishes and resolves once the message is complete as its QoS requires: written (QoS 0),
 * PUBACK (QoS 1) or PUBCOMP (QoS 2). A lost connection or an MQTT 5 rejection rejects.
 */
export function publishOne(client: SessionClient, connection: ConnectionConfig, topic: string, payload: Buffer, options: IClientPublishOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => reject(lostBeforeAcknowledged(client, connection, topic));
    client.once('close', onClose);
    client.publish(topic, payload, options, (err) => {
      client.removeListener('close', onClose);
      if (!err) {
        resolve();
        return;
      }
      const code = (err as Error & { code?: unknown }).code;
      if (typeof code === 'number' && code >= 128) reject(new RejectedError(rejectedMessage(topic, code)));
      else reject(new ConnectionLostError(`publishing to '${topic}' failed: ${err.message}`));
    });
  });
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
  if (limits.retainAvailable === false && publish.retain) return 'the broker does not support retained messages: drop -r';
  const alias = publish.properties?.topicAlias;
  if (alias !== undefined && alias > (limits.topicAliasMaximum ?? 0)) {
    return `the broker accepts topic aliases up to ${limits.topicAliasMaximum ?? 0}, not ${alias} (-D publish topic-alias)`;
  }
  return undefined;
}

function sizerOf(run: PublishRun): PublishSizer {
  return new PublishSizer(run.publish, run.connection.protocolVersion);
}

/** Refuses, before connecting, a payload that cannot fit in one PUBLISH with its topic and header. */
export function checkPayloadFits(payload: Buffer, publish: PublishConfig, protocolVersion: ProtocolVersion): void {
  const { maxPayload } = new PublishSizer(publish, protocolVersion);
  if (payload.length > maxPayload) {
    throw new InputError(`the message is ${payload.length} bytes; with its topic and header one MQTT packet can carry at most ${maxPayload}`);
  }
}

/** Refuses a publish that the broker's CONNACK says it would not take (MQTT 5 limits). */
function checkBrokerLimits(connack: Pick<IConnackPacket, 'properties'>, run: PublishRun, payload: Buffer | undefined): void {
  const problem = brokerLimitProblem(connack, run.publish);
  if (problem) throw new RejectedError(problem);
  const maxPacketBytes = connack.properties?.maximumPacketSize;
  if (payload !== undefined && maxPacketBytes !== undefined) {
    const size = sizerOf(run).size(payload.length);
    if (size > maxPacketBytes) {
      throw new RejectedError(`the message is ${size} bytes as a packet, over the broker's maximum packet size of ${maxPacketBytes}`);
    }
  }
}

/** Rejects with InterruptedError when the run's signal fires; `release` stops listening. */
function interruption(signal: AbortSignal | undefined): { interrupted: Promise<never>; release: () => void } {
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError(signal!.reason as NodeJS.Signals));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  interrupted.catch(() => {});
  return { interrupted, release: () => onAbort && signal?.removeEventListener('abort', onAbort) };
}

/** The message of -m/-n/-f/-s, --repeat times, each after the previous one completed. */
async function publishRepeated(client: SessionClient, run: PublishRun, payload: Buffer): Promise<void> {
  const { publish } = run;
  const { interrupted, release } = interruption(run.signal);
  try {
    for (let i = 0; i < publish.repeat; i++) {
      if (i > 0 && publish.repeatDelayMs > 0) await Promise.race([sleep(publish.repeatDelayMs), interrupted]);
      await Promise.race([publishOne(client, run.connection, publish.topic, payload, publishOptions(publish, i === 0)), interrupted]);
    }
  } finally {
    release();
  }
}

/** Most failed attempts before tspub -l gives up on a lost connection (1+2+4+8+16 s of waiting). */
const PUBLISH_RECONNECT_ATTEMPTS = 5;

/** The same client back on its kept session, with tssub's back-off; gives up after a while. */
async function resumeWithBackoff(client: SessionClient, run: PublishRun): Promise<void> {
  const backoff = new Reconnector();
  for (let failures = 0; ; ) {
    await sleep(backoff.delayMs(), undefined, run.signal ? { signal: run.signal } : {}).catch(() => {
      throw new InterruptedError(run.signal!.reason as NodeJS.Signals);
    });
    try {
      await resumeSession(client, run.connection, run.signal);
      return;
    } catch (err) {
      failures++;
      if (!retryable(err as TsmqttError) || failures >= PUBLISH_RECONNECT_ATTEMPTS) throw err;
      backoff.failed();
      run.hooks.onReconnect?.(`reconnecting failed: ${(err as Error).message}; trying again in ${backoff.delaySec()} s`);
    }
  }
}

/** -l: the window is -M, or less if the broker's receive maximum (MQTT 5) is lower. */
async function publishLines(client: SessionClient, connack: IConnackPacket, run: PublishRun): Promise<void> {
  const progress: StreamProgress = { sent: 0, acknowledged: 0, rejected: 0 };
  run.hooks.onStream?.(progress);
  const maxPacketBytes = connack.properties?.maximumPacketSize;
  const { complete } = await streamLines({
    client,
    publish: run.publish,
    input: run.stdin,
    window: Math.min(run.publish.maxInflight, connack.properties?.receiveMaximum ?? Infinity),
    sizer: sizerOf(run),
    ...(maxPacketBytes !== undefined ? { maxPacketBytes } : {}),
    connection: run.connection,
    progress,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.hooks.onRejected ? { onRejected: run.hooks.onRejected } : {}),
    // Only a kept session remembers which messages it has: without one, a resent QoS 2 message
    // could arrive twice, and the broker forgets what it had not delivered anyway.
    ...(!run.connection.cleanSession && run.publish.qos > 0 ? { resume: () => resumeWithBackoff(client, run) } : {}),
    ...(run.hooks.onReconnect ? { onReconnect: run.hooks.onReconnect } : {}),
  });
  await closeSessionFlushed(client, run.connection.disconnectProperties);
  if (progress.rejected > 0) {
    const n = progress.rejected;
    throw new RejectedError(`${n} line${n === 1 ? ' was' : 's were'} not published (see above)`);
  }
  if (!complete && run.signal?.aborted) {
    const sent = `${progress.sent} message${progress.sent === 1 ? '' : 's'}`;
    const acked = run.publish.qos === 0 ? 'sent' : 'sent and acknowledged';
    throw new InterruptedError(run.signal.reason as NodeJS.Signals, `${sent} ${acked}; the rest of the input was not read`);
  }
}

export async function runPublish(run: PublishRun): Promise<void> {
  const { source } = run.publish;
  const payload = source.kind === 'lines' ? undefined : await loadPayload(source, () => run.stdin);
  if (payload !== undefined) checkPayloadFits(payload, run.publish, run.connection.protocolVersion);
  const { client, connack } = await openSession(run.connection, run.hooks, run.signal);
  // A socket error after CONNACK (ECONNRESET ...) is followed by 'close', which is what the
  // publishing code reports, with what was left unacknowledged.
  client.on('error', () => {});
  const downgrades = run.publish.qos === 2 ? watchQos2Downgrades(client) : () => 0;
  try {
    checkBrokerLimits(connack, run, payload);
    if (payload === undefined) {
      watchPings(client);
      await publishLines(client, connack, run);
    } else {
      await publishRepeated(client, run, payload);
      await closeSession(client, run.connection.disconnectProperties);
    }
  } catch (err) {
    client.end(true);
    throw err;
  }
  const downgraded = downgradeError(downgrades(), run.publish.topic);
  if (downgraded) throw downgraded;
}
