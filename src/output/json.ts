import type { ReceivedMessage } from '../core/subscribe.js';
import type { Timestamp } from './clock.js';
import { CJsonObject, CJsonString, parseCJson, writeCJson, type CJsonValue } from './cjson.js';
import { localTime, type LocalTime } from './localtime.js';
import { ByteSink } from './sink.js';
import { jsonTimestamp } from './strftime.js';

/**
 * The JSON document of mosquitto_sub 2.0.11's %j (payload as a string) and %J (payload parsed as
 * JSON), built as its json_print() builds it with cJSON:
 * tst, topic, qos, retain, payloadlen, mid (QoS > 0 only), properties (only when the message has
 * any), payload. "tst" is local time with microseconds and the 2.0.11 "Z+hhmm" suffix.
 */

const key = (text: string): Buffer => Buffer.from(text, 'latin1');
const K = {
  tst: key('tst'),
  topic: key('topic'),
  qos: key('qos'),
  retain: key('retain'),
  payloadlen: key('payloadlen'),
  mid: key('mid'),
  properties: key('properties'),
  payload: key('payload'),
  payloadFormatIndicator: key('payload-format-indicator'),
  messageExpiryInterval: key('message-expiry-interval'),
  contentType: key('content-type'),
  responseTopic: key('response-topic'),
  correlationData: key('correlation-data'),
  subscriptionIdentifier: key('subscription-identifier'),
  topicAlias: key('topic-alias'),
  userProperties: key('user-properties'),
};

const utf8 = (text: string): CJsonString => new CJsonString(Buffer.from(text, 'utf8'));

/**
 * The "properties" object. Its order is the order the properties arrived in, which MQTT.js keeps
 * as the key order of its properties object (user properties are grouped by name there, so
 * repeated names come out next to each other).
 */
function propertiesObject(properties: NonNullable<ReceivedMessage['properties']>): CJsonObject {
  const entries: Array<[Uint8Array, CJsonValue]> = [];
  let userProperties: CJsonObject | undefined;
  // 2.0.11 reads the topic alias with the wrong property id, so it prints whatever its 16-bit
  // scratch variable last held: 0, or the length of a correlation data read before it.
  let scratch16 = 0;
  for (const name of Object.keys(properties)) {
    switch (name) {
      case 'payloadFormatIndicator': {
        const v: unknown = properties.payloadFormatIndicator;
        entries.push([K.payloadFormatIndicator, typeof v === 'number' ? v : v ? 1 : 0]);
        break;
      }
      case 'messageExpiryInterval':
        if (properties.messageExpiryInterval !== undefined) entries.push([K.messageExpiryInterval, properties.messageExpiryInterval]);
        break;
      case 'contentType':
        if (properties.contentType !== undefined) entries.push([K.contentType, utf8(properties.contentType)]);
        break;
      case 'responseTopic':
        if (properties.responseTopic !== undefined) entries.push([K.responseTopic, utf8(properties.responseTopic)]);
        break;
      case 'correlationData': {
        const data = properties.correlationData;
        if (data === undefined) break;
        // cJSON_CreateString on the bytes: a C string, so it ends at the first NUL.
        entries.push([K.correlationData, new CJsonString(data)]);
        scratch16 = data.length & 0xffff;
        break;
      }
      case 'subscriptionIdentifier': {
        const ids = properties.subscriptionIdentifier;
        for (const id of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) entries.push([K.subscriptionIdentifier, id]);
        break;
      }
      case 'topicAlias':
        if (properties.topicAlias !== undefined) entries.push([K.topicAlias, scratch16]);
        break;
      case 'userProperties': {
        const pairs = properties.userProperties;
        if (pairs === undefined) break;
        if (!userProperties) {
          userProperties = new CJsonObject([]);
          entries.push([K.userProperties, userProperties]);
        }
        for (const [k, v] of Object.entries(pairs)) {
          const keyBytes = Buffer.from(k, 'utf8');
          for (const value of Array.isArray(v) ? v : [v]) userProperties.entries.push([keyBytes, utf8(String(value))]);
        }
        break;
      }
    }
  }
  return new CJsonObject(entries);
}

/**
 * Writes the %j (escaped = true) or %J document for a message. Returns false, having written
 * nothing, when %J's payload is not valid JSON (mosquitto then prints nothing for the conversion).
 */
export function writeMessageJson(out: ByteSink, message: ReceivedMessage, tm: LocalTime, nsec: number, escaped: boolean, pretty: boolean): boolean {
  const { payload } = message;
  let payloadValue: CJsonValue = null;
  if (payload.length > 0) {
    if (escaped) {
      payloadValue = new CJsonString(payload);
    } else {
      const parsed = parseCJson(payload);
      if (!parsed) return false;
      payloadValue = parsed.value;
    }
  }
  const entries: Array<[Uint8Array, CJsonValue]> = [
    [K.tst, new CJsonString(Buffer.from(jsonTimestamp(tm, nsec), 'latin1'))],
    [K.topic, utf8(message.topic)],
    [K.qos, message.qos],
    [K.retain, message.retain ? 1 : 0],
    [K.payloadlen, payload.length],
  ];
  if (message.qos > 0) entries.push([K.mid, message.messageId]);
  const properties = message.properties;
  if (properties && Object.keys(properties).length > 0) entries.push([K.properties, propertiesObject(properties)]);
  entries.push([K.payload, payloadValue]);
  writeCJson(out, new CJsonObject(entries), pretty);
  return true;
}

/** The %j / %J text for one message on its own, or undefined when %J's payload is not JSON. */
export function messageJson(message: ReceivedMessage, now: Timestamp, options: { escaped: boolean; pretty?: boolean }): Buffer | undefined {
  const out = new ByteSink();
  if (!writeMessageJson(out, message, localTime(now.sec), now.nsec, options.escaped, options.pretty ?? false)) return undefined;
  return out.take();
}
