import type { Readable } from 'node:stream';
import type { RequestConfig } from '../config/request.js';
import type { ConnectionConfig } from '../config/types.js';
import { TimeoutError } from '../errors.js';
import { checkPayloadFits, publishOne } from '../publish/publish.js';
import { publishOptions } from '../publish/publish-options.js';
import { loadPayload } from '../publish/payload.js';
import { runSubscribe, type ReceivedMessage, type SubscribeHooks } from '../subscribe/subscribe.js';

export interface RequestRun {
  connection: ConnectionConfig;
  request: RequestConfig;
  /** Read only for -s. */
  stdin: Readable;
  hooks: SubscribeHooks;
  signal?: AbortSignal;
}

/**
 * Which messages on the response topic answer this request: under MQTT 5 only those that carry
 * its correlation data (a late answer to an earlier request does not count, unlike mosquitto_rr);
 * under MQTT 3.1.1, which has no properties, the first one.
 */
function answersRequest(run: RequestRun): (message: ReceivedMessage) => boolean {
  const { correlation, subscribe } = run.request;
  if (!correlation) return () => true;
  return (message) => {
    const theirs = message.properties?.correlationData;
    if (theirs && Buffer.compare(theirs, correlation) === 0) return true;
    run.hooks.debug?.(`Ignoring a message on '${message.topic}': its correlation data is not this request's (${subscribe.filters[0]})`);
    return false;
  };
}

/**
 * tspub -e: subscribes to the response topic, publishes the request once the broker has
 * acknowledged the subscription (so the response cannot come too early to be seen), and hands the
 * responses to hooks.onMessage; -C, -W and the output are tssub's.
 */
export async function runRequest(run: RequestRun): Promise<void> {
  const { publish, subscribe } = run.request;
  if (publish.source.kind === 'lines') throw new Error('runRequest: -l cannot be a request');
  const payload = await loadPayload(publish.source, () => run.stdin);
  checkPayloadFits(payload, publish, run.connection.protocolVersion);
  try {
    await runSubscribe({
      connection: run.connection,
      subscribe,
      hooks: run.hooks,
      ...(run.signal ? { signal: run.signal } : {}),
      accept: answersRequest(run),
      afterSubscribed: (client) => publishOne(client, run.connection, publish.topic, payload, publishOptions(publish, true)),
    });
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    const what = subscribe.count === 1 ? 'no response' : `fewer than ${subscribe.count} responses`;
    throw new TimeoutError(`${what} on '${subscribe.filters[0]}' within ${subscribe.timeoutSec} s`);
  }
}
