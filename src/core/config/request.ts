import { randomHex } from './random-hex.js';
import { UsageError } from '../errors.js';
import { lastString, type RawOptions } from './raw-options.js';
import { publishTopicProblem } from './topics.js';
import type { ConnectionConfig, PublishConfig, SubscribeConfig } from './types.js';
import { parseIntegerIn, parsePositiveSeconds } from './values.js';

/** tspub -e: the request to publish, the subscription its response comes on, and how to know it. */
export interface RequestConfig {
  publish: PublishConfig;
  subscribe: SubscribeConfig;
  /** MQTT 5: the correlation data the response must carry; MQTT 3.1.1: none, the first response counts. */
  correlation?: Buffer;
}

/** Options that only shape the responses of -e, as the user spells them. */
const RESPONSE_OPTIONS: ReadonlyArray<[string, string]> = [
  ['count', '-C'],
  ['timeout', '-W'],
  ['verbose', '-v'],
  ['no-eol', '-N'],
  ['format', '-F'],
  ['json', '--json'],
  ['pretty', '--pretty'],
  ['color', '--color'],
];

function refuseWithoutRequest(raw: RawOptions): void {
  for (const [key, spelling] of RESPONSE_OPTIONS) {
    if (raw[key] !== undefined && raw[key] !== false) {
      throw new UsageError(`${spelling} is for the responses of a request: add -e RESPONSE_TOPIC`);
    }
  }
}

/**
 * The request/response run `raw` asks for (tspub -e), or undefined for a plain publish. The response
 * topic is subscribed to without retained messages (MQTT 5 retain handling 2; under 3.1.1 a message
 * with the retain flag is skipped), so a stale answer kept on the topic is never taken as the response.
 */
export function parseRequestConfig(raw: RawOptions, connection: ConnectionConfig, publish: PublishConfig): RequestConfig | undefined {
  const responseTopic = lastString(raw, 'response-topic');
  if (responseTopic === undefined) {
    refuseWithoutRequest(raw);
    return undefined;
  }
  const problem = publishTopicProblem(responseTopic);
  if (problem) throw new UsageError(`response topic (-e): ${problem.replace(/^publish topic /, '')}`);
  if (publish.source.kind === 'lines') throw new UsageError('-e publishes one request: not with -l');
  if (lastString(raw, 'repeat') !== undefined) throw new UsageError('-e publishes one request: not with --repeat');
  if (publish.properties?.responseTopic !== undefined) {
    throw new UsageError('give the response topic once: -e, not -D publish response-topic');
  }
  const countText = lastString(raw, 'count');
  const timeoutText = lastString(raw, 'timeout');
  const subscribe: SubscribeConfig = {
    filters: [responseTopic],
    filterOut: [],
    qos: publish.qos,
    count: countText === undefined ? 1 : parseIntegerIn(countText, 1, Number.MAX_SAFE_INTEGER, 'response count (-C)'),
    noRetained: true,
    exitAfterSubscribe: false,
    unsubscribe: [],
    removeRetained: false,
    retainedOnly: false,
    retainAsPublished: false,
    reconnect: false,
  };
  if (timeoutText !== undefined) subscribe.timeoutSec = parsePositiveSeconds(timeoutText, 'timeout (-W)');
  if (connection.protocolVersion !== 5) return { publish, subscribe };
  // A fresh one per request, in hexadecimal so that a shell responder can pass it back as text.
  const correlation = publish.properties?.correlationData ?? Buffer.from(randomHex(32));
  return {
    publish: { ...publish, properties: { ...publish.properties, responseTopic, correlationData: correlation } },
    subscribe,
    correlation,
  };
}
