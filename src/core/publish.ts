import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import type { ConnectionConfig, MessageSource, PublishConfig } from './config.js';
import { closeSession, openSession, type SessionHooks } from './connect.js';
import { ConnectionLostError, InputError, InterruptedError, RejectedError } from './errors.js';
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

/** Loads the payload before connecting, so unreadable input never costs a connection. */
export async function loadPayload(source: MessageSource, stdin: Readable): Promise<Buffer> {
  switch (source.kind) {
    case 'message':
      return source.payload;
    case 'null':
      return Buffer.alloc(0);
    case 'file':
      return readPayloadFile(source.path);
    case 'stdin':
      return readWhole(stdin);
  }
}

/**
 * Publishes and resolves once the message is complete as its QoS requires: written (QoS 0),
 * PUBACK (QoS 1) or PUBCOMP (QoS 2). A lost connection or an MQTT 5 rejection rejects.
 */
export function publishOne(client: MqttClient, topic: string, payload: Buffer, config: PublishConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      reject(new ConnectionLostError(`connection lost before the broker acknowledged the message on '${topic}'`));
    };
    client.once('close', onClose);
    client.publish(topic, payload, { qos: config.qos, retain: config.retain }, (err) => {
      client.removeListener('close', onClose);
      if (!err) {
        resolve();
        return;
      }
      const code = (err as Error & { code?: unknown }).code;
      if (typeof code === 'number' && code >= 128) {
        reject(new RejectedError(`the broker rejected the message on '${topic}': ${reasonText(code)} (reason code ${code})`));
      } else {
        reject(new ConnectionLostError(`publishing to '${topic}' failed: ${err.message}`));
      }
    });
  });
}

export interface PublishRun {
  connection: ConnectionConfig;
  publish: PublishConfig;
  stdin: Readable;
  hooks: SessionHooks;
  signal?: AbortSignal;
}

export async function runPublish(run: PublishRun): Promise<void> {
  const payload = await loadPayload(run.publish.source, run.stdin);
  const { client } = await openSession(run.connection, run.hooks, run.signal);
  const { signal } = run;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError(signal!.reason as NodeJS.Signals));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([publishOne(client, run.publish.topic, payload, run.publish), interrupted]);
  } catch (err) {
    client.end(true);
    throw err;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  await closeSession(client);
}
