import type { ReceivedMessage } from '../core/subscribe/subscribe.js';
import type { Timestamp } from './clock.js';
import { CJsonObject, CJsonString, parseCJson, writeCJson, writeCJsonString, type CJsonValue } from './cjson.js';
import { localTime, type LocalTime } from './localtime.js';
import { ByteSink } from './sink.js';
import { jsonTimestamp } from './strftime.js';

/**
 * The JSON document of mosquitto_sub 2.0.11's %j (payload as a string) and %J (payload parsed as
 * JSON), byte for byte what its json_print() gets from cJSON:
 * tst, topic, qos, retain, payloadlen, mid (QoS > 0 only), properties (only when the message has
 * any), payload. "tst" is local time with microseconds and the 2.0.11 "Z+hhmm" suffix.
 */

const key = (text: string): Buffer => Buffer.from(text, 'latin1');
const K = {
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

/** The constant pieces between the envelope's values, compact or pretty (cJSON_Print at depth 1). */
interface Layout {
  open: Buffer;
  tst: Buffer;
  topic: Buffer;
  qos: Buffer;
  retain: Buffer;
  payloadlen: Buffer;
  mid: Buffer;
  properties: Buffer;
  payload: Buffer;
  close: Buffer;
}

function layout(pretty: boolean): Layout {
  const member = (name: string, first = false): Buffer =>
    Buffer.from(`${first ? '' : pretty ? ',\n\t' : ','}"${name}":${pretty ? '\t' : ''}`, 'latin1');
  return {
    open: Buffer.from(pretty ? '{\n\t' : '{', 'latin1'),
    tst: member('tst', true),
    topic: member('topic'),
    qos: member('qos'),
    retain: member('retain'),
    payloadlen: member('payloadlen'),
    mid: member('mid'),
    properties: member('properties'),
    payload: member('payload'),
    close: Buffer.from(pretty ? '\n}' : '}', 'latin1'),
  };
}

const COMPACT = layout(false);
const PRETTY = layout(true);

/** Whether a topic can be written as it is inside JSON quotes (no quote, backslash, control char or NUL). */
const PLAIN_TOPIC = /^[^"\\\u0000-\u001f]*$/;

// The "tst" text only changes its microseconds within a second: keep the rest.
let tstFor: LocalTime | undefined;
let tstHead = '';
let tstTail = '';

function writeTst(out: ByteSink, tm: LocalTime, nsec: number): void {
  if (tm !== tstFor) {
    const text = jsonTimestamp(tm, 0);
    const dot = text.indexOf('.');
    tstHead = `"${text.slice(0, dot + 1)}`;
    tstTail = `${text.slice(dot + 7)}"`;
    tstFor = tm;
  }
  out.latin1(tstHead);
  let micros = Math.trunc(nsec / 1000);
  for (let div = 100_000; div >= 1; div /= 10) {
    const digit = Math.trunc(micros / div);
    out.byte(0x30 + digit);
    micros -= digit * div;
  }
  out.latin1(tstTail);
}

/**
 * Writes the %j (escaped = true) or %J document for a message. Returns false, having written
 * nothing, when %J's payload is not valid JSON (mosquitto then prints nothing for the conversion).
 * The envelope is written directly, in the same bytes cJSON would print for the same tree.
 */
export function writeMessageJson(out: ByteSink, message: ReceivedMessage, tm: LocalTime, nsec: number, escaped: boolean, pretty: boolean): boolean {
  const { payload } = message;
  let parsed: { value: CJsonValue } | undefined;
  if (!escaped && payload.length > 0) {
    parsed = parseCJson(payload);
    if (!parsed) return false;
  }
  const l = pretty ? PRETTY : COMPACT;
  out.bytes(l.open);
  out.bytes(l.tst);
  writeTst(out, tm, nsec);
  out.bytes(l.topic);
  const topic = message.topic;
  if (PLAIN_TOPIC.test(topic)) {
    out.byte(0x22);
    out.utf8(topic);
    out.byte(0x22);
  } else {
    writeCJsonString(out, Buffer.from(topic, 'utf8'));
  }
  out.bytes(l.qos);
  out.byte(0x30 + message.qos);
  out.bytes(l.retain);
  out.byte(message.retain ? 0x31 : 0x30);
  out.bytes(l.payloadlen);
  out.latin1(String(payload.length));
  if (message.qos > 0) {
    out.bytes(l.mid);
    out.latin1(String(message.messageId));
  }
  const properties = message.properties;
  if (properties && Object.keys(properties).length > 0) {
    out.bytes(l.properties);
    writeCJson(out, propertiesObject(properties), pretty, 1);
  }
  out.bytes(l.payload);
  if (payload.length === 0) out.latin1('null');
  else if (parsed) writeCJson(out, parsed.value, pretty, 1);
  else writeCJsonString(out, payload);
  out.bytes(l.close);
  return true;
}

/** The %j / %J text for one message on its own, or undefined when %J's payload is not JSON. */
export function messageJson(message: ReceivedMessage, now: Timestamp, options: { escaped: boolean; pretty?: boolean }): Buffer | undefined {
  const out = new ByteSink();
  if (!writeMessageJson(out, message, localTime(now.sec), now.nsec, options.escaped, options.pretty ?? false)) return undefined;
  return out.take();
}
