import type { Readable } from 'node:stream';
import type { MessageSource } from '../config/types.js';
import { InputError } from '../errors.js';
import { MAX_REMAINING_LENGTH } from '../wire/packet-size.js';

/** The largest payload MQTT can carry in one PUBLISH (the remaining-length limit). */
const MAX_PAYLOAD_BYTES = MAX_REMAINING_LENGTH;

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
    // Loaded here: a run that publishes -m pays nothing for node:fs/promises (~2 ms).
    const { readFile, stat } = await import('node:fs/promises');
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
