import { isUtf8 } from 'node:buffer';
import type { ReceivedMessage } from '../core/subscribe/subscribe.js';

/**
 * Bytes as JSON without losing any: UTF-8 text when they are valid UTF-8, else base64. The
 * encoding names are Node's, so `Buffer.from(data, encoding)` gives the bytes back.
 */
export interface EncodedBytes {
  encoding: 'utf8' | 'base64';
  data: string;
}

export function encodeBytes(bytes: Buffer): EncodedBytes {
  return isUtf8(bytes) ? { encoding: 'utf8', data: bytes.toString('utf8') } : { encoding: 'base64', data: bytes.toString('base64') };
}

type Properties = NonNullable<ReceivedMessage['properties']>;

/**
 * MQTT 5 PUBLISH properties in a fixed order (the specification's property identifiers), with
 * stable types: subscription identifiers always a list, user properties a list of [name, value]
 * pairs, correlation data as EncodedBytes. Properties MQTT.js may add later pass through.
 */
function jsonProperties(properties: Properties): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const {
    payloadFormatIndicator,
    messageExpiryInterval,
    contentType,
    responseTopic,
    correlationData,
    subscriptionIdentifier,
    topicAlias,
    userProperties,
    ...rest
  } = properties;
  // MQTT.js reads this one-byte property as a boolean; on the wire it is 0 or 1.
  if (payloadFormatIndicator !== undefined) out['payloadFormatIndicator'] = payloadFormatIndicator ? 1 : 0;
  if (messageExpiryInterval !== undefined) out['messageExpiryInterval'] = messageExpiryInterval;
  if (contentType !== undefined) out['contentType'] = contentType;
  if (responseTopic !== undefined) out['responseTopic'] = responseTopic;
  if (correlationData !== undefined) out['correlationData'] = encodeBytes(Buffer.from(correlationData));
  if (subscriptionIdentifier !== undefined) {
    out['subscriptionIdentifiers'] = Array.isArray(subscriptionIdentifier) ? subscriptionIdentifier : [subscriptionIdentifier];
  }
  if (topicAlias !== undefined) out['topicAlias'] = topicAlias;
  if (userProperties !== undefined) {
    // MQTT.js groups repeated names under their first appearance; every pair is kept.
    out['userProperties'] = Object.entries(userProperties).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => [name, String(v)]),
    );
  }
  for (const [name, value] of Object.entries(rest)) {
    out[name] = Buffer.isBuffer(value) ? encodeBytes(value) : value;
  }
  return out;
}

/**
 * One message as one line of JSON (NDJSON), the schema of `tssub --json` documented in the
 * README and the man page. `now` is when the message was received.
 */
export function jsonLine(message: ReceivedMessage, now: Date, pretty = false): Buffer {
  const payload = encodeBytes(message.payload);
  const record: Record<string, unknown> = {
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    dup: message.dup,
    mid: message.qos === 0 ? null : message.messageId,
    received: now.toISOString(),
  };
  if (message.properties) record['properties'] = jsonProperties(message.properties);
  record['encoding'] = payload.encoding;
  record['payload'] = payload.data;
  return Buffer.from(`${JSON.stringify(record, null, pretty ? 2 : undefined)}\n`, 'utf8');
}
