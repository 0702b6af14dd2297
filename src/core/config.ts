import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.js';
import {
  parseProperties,
  type ConnectProperties,
  type DisconnectProperties,
  type PropertyCommand,
  type PublishProperties,
  type SubscribeProperties,
  type UnsubscribeProperties,
  type WillProperties,
} from './properties.js';
import { filterProblem, publishTopicProblem } from './topics.js';
import { parseBrokerUrl } from './broker-url.js';
import { resolveCredentials } from './credentials.js';
import { resolveAddress, type TransportConfig } from './transport-config.js';

export type QoS = 0 | 1 | 2;
/** Wire values: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5. */
export type ProtocolVersion = 3 | 4 | 5;

/**
 * Option values exactly as the user typed them, keyed by long option name. The CLI layer fills it
 * from argv; everything that decides whether a value or a combination is valid lives here.
 */
export type RawOptions = Record<string, string | string[] | boolean | undefined>;

export interface WillConfig {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /** MQTT 5 will properties (-D will ...). */
  properties?: WillProperties;
}

/** A password that the CLI still has to fetch (it never comes from argv in clear). */
export type PasswordSource =
  | { kind: 'env'; variable: string }
  | { kind: 'file'; path: string }
  | { kind: 'prompt' };

export interface ConnectionConfig {
  host: string;
  port: number;
  /** TLS, WebSocket, unix socket, proxy, bind address, TCP_NODELAY; absent: plain TCP. */
  transport?: TransportConfig;
  /** '' asks the broker to assign an id (MQTT 3.1.1 and 5). */
  clientId: string;
  keepalive: number;
  username?: string;
  password?: string;
  /** Set instead of `password` when it comes from --pw-env, --pw-file or a prompt. */
  passwordFrom?: PasswordSource;
  cleanSession: boolean;
  protocolVersion: ProtocolVersion;
  /** MQTT 5 session expiry interval in seconds; undefined means the property is not sent. */
  sessionExpiry?: number;
  will?: WillConfig;
  /** MQTT 5 CONNECT properties from -D connect (the session expiry is `sessionExpiry`). */
  properties?: ConnectProperties;
  /** MQTT 5 properties of the final DISCONNECT (-D disconnect). */
  disconnectProperties?: DisconnectProperties;
  /** How long to wait for CONNACK after the transport is up. */
  connectTimeoutMs: number;
  /** MQTT 5 receive maximum announced in CONNECT; undefined: not sent (the broker assumes 65,535). */
  receiveMaximum?: number;
}

export type MessageSource =
  | { kind: 'message'; payload: Buffer }
  | { kind: 'null' }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  /** -l: one message per line of stdin, streamed. */
  | { kind: 'lines' };

export interface PublishConfig {
  topic: string;
  source: MessageSource;
  qos: QoS;
  retain: boolean;
  /** --repeat: how many times the (single) message is published. */
  repeat: number;
  /** --repeat-delay: pause between a completed publish and the next, in milliseconds. */
  repeatDelayMs: number;
  /** -M: most QoS 1/2 messages awaiting acknowledgement at once. */
  maxInflight: number;
  /** MQTT 5 PUBLISH properties (-D publish ...). */
  properties?: PublishProperties;
}

export interface SubscribeConfig {
  filters: string[];
  filterOut: string[];
  qos: QoS;
  /** -C: stop after this many messages. */
  count?: number;
  /** -W: give up after this many seconds. */
  timeoutSec?: number;
  /** -R: neither print nor count messages that arrive with the retain flag. */
  noRetained: boolean;
  /** -E: exit as soon as the subscription is acknowledged. */
  exitAfterSubscribe: boolean;
  /** MQTT 5 SUBSCRIBE properties (-D subscribe ...). */
  properties?: SubscribeProperties;
  /** MQTT 5 UNSUBSCRIBE properties (-D unsubscribe ...). */
  unsubscribeProperties?: UnsubscribeProperties;
  /** -U: filters to unsubscribe from after subscribing, on every CONNACK. */
  unsubscribe: string[];
  /** --remove-retained: clear every retained message received (those -T filters out excepted). */
  removeRetained: boolean;
  /** --retained-only: print retained messages; the first live one ends the run. */
  retainedOnly: boolean;
  /** --retain-as-published (MQTT 5 subscription option). */
  retainAsPublished: boolean;
  /** --random-filter: percentage (0.1 to 100) of messages printed; undefined prints all. */
  randomFilterPercent?: number;
  /** Reconnect with back-off when the connection is lost (off with --no-reconnect). */
  reconnect: boolean;
}

export const DEFAULT_PORT = 1883;
export const DEFAULT_KEEPALIVE = 60;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const SESSION_NEVER_EXPIRES = 0xffffffff;
/**
 * Default -M. At QoS 2 mosquitto_pub's 20: brokers keep state for each incoming QoS 2 message
 * until PUBREL and cap it (mosquitto: 20), and under MQTT 3.1.1 mosquitto drops the excess with a
 * refusal the protocol cannot carry. At QoS 1 a broker keeps nothing once it has sent PUBACK, so a
 * wider window is safe, and it is faster: fewer round trips per message.
 */
export const DEFAULT_MAX_INFLIGHT: Record<1 | 2, number> = { 1: 100, 2: 20 };
/** Packet identifiers are 16 bits, 0 excluded: never more messages in flight than ids. */
const MAX_INFLIGHT = 65535;

/**
 * Joins the words of a multi-word option (-D COMMAND PROPERTY VALUE) into the one value the CLI
 * hands over. argv strings cannot contain NUL, so it cannot clash with a word.
 */
export const WORD_SEPARATOR = '\u0000';

/** The packets each tool sends, and so the commands its -D accepts. */
export const PUBLISHER_PROPERTY_COMMANDS: readonly PropertyCommand[] = ['connect', 'publish', 'disconnect', 'will'];
export const SUBSCRIBER_PROPERTY_COMMANDS: readonly PropertyCommand[] = ['connect', 'subscribe', 'unsubscribe', 'disconnect', 'will'];

/** MQTT 3.1 servers may reject client ids over 23 characters. */
const MQTT31_MAX_ID_LENGTH = 23;

// ---- accessors over RawOptions ------------------------------------------------------------

/** Scalar options: the last occurrence wins, as in mosquitto's clients. */
export function lastString(raw: RawOptions, name: string): string | undefined {
  const v = raw[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

/**
 * RawOptions key holding the option keys in the order they were given (config file, then command
 * line), for options that set the same thing: the last of them wins.
 */
export const ARGUMENT_ORDER = '$order';

/** Without an order (RawOptions built by hand), explicit options beat -L and --unix. */
const DEFAULT_PRECEDENCE = ['url', 'unix', 'host', 'port', 'username', 'pw', 'pw-env', 'pw-file', 'topic'];

/** Which of `keys` was given last, or undefined if none was. */
export function lastGiven(raw: RawOptions, keys: readonly string[]): string | undefined {
  const order = raw[ARGUMENT_ORDER];
  let best: string | undefined;
  let bestAt = -1;
  for (const key of keys) {
    if (raw[key] === undefined || raw[key] === false) continue;
    const at = Array.isArray(order) ? order.lastIndexOf(key) : DEFAULT_PRECEDENCE.indexOf(key);
    if (best === undefined || at > bestAt) {
      best = key;
      bestAt = at;
    }
  }
  return best;
}

export function allStrings(raw: RawOptions, name: string): string[] {
  const v = raw[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** Every occurrence of a multi-word option, each split back into its words. */
export function wordLists(raw: RawOptions, name: string): string[][] {
  return allStrings(raw, name).map((joined) => joined.split(WORD_SEPARATOR));
}

export function flag(raw: RawOptions, name: string): boolean {
  const v = raw[name];
  return v === true || (Array.isArray(v) && v.length > 0);
}

// ---- value parsers ------------------------------------------------------------------------

/** Parses a whole decimal number in [min, max]; anything else is a usage error naming `what`. */
export function parseIntegerIn(text: string, min: number, max: number, what: string): number {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  const n = /^[0-9]+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be a whole number ${range}, not '${text}'`);
  }
  return n;
}

/** Parses a decimal number of seconds (fractions allowed) that must be greater than zero. */
export function parsePositiveSeconds(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`${what} must be a number of seconds greater than 0, not '${text}'`);
  }
  return n;
}

export function parseQos(text: string, what = 'QoS'): QoS {
  if (text !== '0' && text !== '1' && text !== '2') {
    throw new UsageError(`${what} must be 0, 1 or 2, not '${text}'`);
  }
  return Number(text) as QoS;
}

export function parseProtocolVersion(text: string): ProtocolVersion {
  switch (text) {
    case '31':
    case 'mqttv31':
      return 3;
    case '311':
    case 'mqttv311':
      return 4;
    case '5':
    case 'mqttv5':
      return 5;
    default:
      throw new UsageError(
        `protocol version must be one of 31, 311, 5, mqttv31, mqttv311, mqttv5, not '${text}'`,
      );
  }
}

/** -x: seconds, or -1 / ∞ for "never expires". */
function parseSessionExpiry(text: string): number {
  const t = text.trim();
  if (t === '-1' || t === '∞') return SESSION_NEVER_EXPIRES;
  return parseIntegerIn(t, 0, SESSION_NEVER_EXPIRES, 'session expiry interval (-x)');
}

// ---- option groups ------------------------------------------------------------------------

function parseWill(raw: RawOptions): WillConfig | undefined {
  const topic = lastString(raw, 'will-topic');
  const payload = lastString(raw, 'will-payload');
  const qos = lastString(raw, 'will-qos');
  const retain = flag(raw, 'will-retain');
  if (topic === undefined) {
    if (payload !== undefined) throw new UsageError('will payload given, but no will topic (--will-topic)');
    if (qos !== undefined) throw new UsageError('will QoS given, but no will topic (--will-topic)');
    if (retain) throw new UsageError('will retain given, but no will topic (--will-topic)');
    return undefined;
  }
  const problem = publishTopicProblem(topic);
  if (problem) throw new UsageError(`will topic: ${problem}`);
  return {
    topic,
    payload: Buffer.from(payload ?? '', 'utf8'),
    qos: qos === undefined ? 0 : parseQos(qos, 'will QoS'),
    retain,
  };
}

function resolveClientId(raw: RawOptions, version: ProtocolVersion, pid: number): string {
  const id = lastString(raw, 'id');
  const prefix = lastString(raw, 'id-prefix');
  if (id !== undefined && prefix !== undefined) {
    throw new UsageError('-i and -I cannot be used together');
  }
  let clientId: string;
  if (id !== undefined) {
    if (id === '') throw new UsageError('client id (-i) must not be empty');
    clientId = id;
  } else if (prefix !== undefined) {
    clientId = `${prefix}${pid}`;
  } else if (version === 3) {
    // MQTT 3.1 has no server-assigned ids, so make one up the way mosquitto does (mosq-...).
    clientId = `tsmqtt-${randomBytes(8).toString('hex')}`;
  } else {
    clientId = '';
  }
  if (version === 3 && clientId.length > MQTT31_MAX_ID_LENGTH) {
    throw new UsageError(
      `client id '${clientId}' is ${clientId.length} characters; MQTT 3.1 allows at most ${MQTT31_MAX_ID_LENGTH}`,
    );
  }
  if (Buffer.byteLength(clientId, 'utf8') > 65535) {
    throw new UsageError('client id is longer than 65535 bytes');
  }
  return clientId;
}

/**
 * `propertyCommands` names the packets the calling tool sends, so that -D for any other is refused
 * (PUBLISHER_PROPERTY_COMMANDS, SUBSCRIBER_PROPERTY_COMMANDS); by default every command is accepted.
 */
export function parseConnectionConfig(
  raw: RawOptions,
  pid = process.pid,
  propertyCommands?: readonly PropertyCommand[],
): ConnectionConfig {
  const versionText = lastString(raw, 'protocol-version');
  const propertyArgs = wordLists(raw, 'property');
  // As in mosquitto's clients, -D alone selects MQTT 5; an explicit older version is a conflict.
  const protocolVersion =
    versionText === undefined ? (propertyArgs.length > 0 ? 5 : 4) : parseProtocolVersion(versionText);
  if (propertyArgs.length > 0 && protocolVersion !== 5) {
    throw new UsageError(`MQTT 5 properties (-D) need MQTT 5, not -V ${versionText}: use -V 5`);
  }
  const properties = parseProperties(propertyArgs, propertyCommands);
  const keepaliveText = lastString(raw, 'keepalive');
  const cleanSession = !flag(raw, 'disable-clean-session');
  const clientId = resolveClientId(raw, protocolVersion, pid);
  const hasFixedId = lastString(raw, 'id') !== undefined;

  const address = resolveAddress(raw);
  const credentials = resolveCredentials(raw, address.url);
  const { username } = credentials;
  if (credentials.password !== undefined || credentials.passwordFrom) {
    if (username === undefined && protocolVersion !== 5) {
      throw new UsageError('a password (-P) needs a username (-u) in MQTT 3.x');
    }
  }

  const expiryText = lastString(raw, 'session-expiry-interval');
  let sessionExpiry: number | undefined;
  if (expiryText !== undefined) {
    if (protocolVersion !== 5) {
      throw new UsageError('the session expiry interval (-x) is an MQTT 5 feature: add -V 5');
    }
    sessionExpiry = parseSessionExpiry(expiryText);
  }
  const { sessionExpiryInterval: connectExpiry, ...connectProperties } = properties.connect ?? {};
  if (connectExpiry !== undefined) {
    if (expiryText !== undefined) {
      throw new UsageError('give the session expiry once: -x or -D connect session-expiry-interval, not both');
    }
    sessionExpiry = connectExpiry;
  }
  if (!cleanSession && !hasFixedId) {
    if (protocolVersion !== 5) {
      throw new UsageError('-c (keep the session) needs a client id: give one with -i');
    }
    if (sessionExpiry === undefined || sessionExpiry === SESSION_NEVER_EXPIRES) {
      throw new UsageError('-c with a session that never expires needs a client id: give one with -i');
    }
  }
  if (protocolVersion === 5 && !cleanSession && sessionExpiry === undefined) {
    // mosquitto's meaning of -c under MQTT 5: clean start off and a session that never expires.
    sessionExpiry = SESSION_NEVER_EXPIRES;
  }
  if (sessionExpiry === SESSION_NEVER_EXPIRES && !hasFixedId) {
    throw new UsageError('a session that never expires needs a client id: give one with -i');
  }

  const config: ConnectionConfig = {
    host: address.host,
    port: address.port,
    clientId,
    keepalive:
      keepaliveText === undefined
        ? DEFAULT_KEEPALIVE
        : parseIntegerIn(keepaliveText, 5, 65535, 'keepalive (-k)'),
    cleanSession,
    protocolVersion,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  };
  const connectTimeoutText = lastString(raw, 'connect-timeout');
  if (connectTimeoutText !== undefined) {
    config.connectTimeoutMs = Math.ceil(parsePositiveSeconds(connectTimeoutText, 'connect timeout (--connect-timeout)') * 1000);
  }
  if (address.transport) config.transport = address.transport;
  if (username !== undefined) config.username = username;
  if (credentials.password !== undefined) config.password = credentials.password;
  if (credentials.passwordFrom) config.passwordFrom = credentials.passwordFrom;
  if (sessionExpiry !== undefined && sessionExpiry !== 0) config.sessionExpiry = sessionExpiry;
  const will = parseWill(raw);
  if (will) config.will = will;
  if (properties.will) {
    if (!will) throw new UsageError('-D will: will properties given, but no will topic (--will-topic)');
    will.properties = properties.will;
  }
  if (Object.keys(connectProperties).length > 0) config.properties = connectProperties;
  if (properties.disconnect) {
    const { sessionExpiryInterval } = properties.disconnect;
    // MQTT 5 §3.14.2.2.2: a session that was to end at disconnect cannot be extended then.
    if (sessionExpiryInterval !== undefined && sessionExpiryInterval !== 0 && !config.sessionExpiry) {
      throw new UsageError(
        '-D disconnect session-expiry-interval: MQTT 5 forbids it when CONNECT set no session expiry: use -x as well',
      );
    }
    config.disconnectProperties = properties.disconnect;
  }
  return config;
}

function topicOfUrl(raw: RawOptions): string | undefined {
  const text = lastString(raw, 'url');
  return text === undefined ? undefined : parseBrokerUrl(text).topic;
}

const MESSAGE_SOURCES = ['message', 'null-message', 'file', 'stdin-file', 'stdin-line'] as const;
const SOURCE_LETTERS = '-m, -n, -f, -s, -l';

/** A number of seconds that may be 0 or fractional (--repeat-delay 0.5). */
function parseSecondsAtLeastZero(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${what} must be a number of seconds of at least 0, not '${text}'`);
  return n;
}

export function parsePublishConfig(raw: RawOptions): PublishConfig {
  const given = MESSAGE_SOURCES.filter((name) => raw[name] !== undefined && raw[name] !== false);
  const total = given.reduce((n, name) => {
    const v = raw[name];
    return n + (Array.isArray(v) ? v.length : 1);
  }, 0);
  if (total > 1) {
    throw new UsageError(`give only one message source: one of ${SOURCE_LETTERS}`);
  }
  const urlTopic = topicOfUrl(raw);
  const topic = lastGiven(raw, urlTopic === undefined ? ['topic'] : ['topic', 'url']) === 'url' ? urlTopic : lastString(raw, 'topic');
  if (topic === undefined) throw new UsageError('no topic given: use -t TOPIC');
  const problem = publishTopicProblem(topic);
  if (problem) throw new UsageError(problem);
  if (total === 0) throw new UsageError(`no message given: use one of ${SOURCE_LETTERS}`);

  let source: MessageSource;
  const kind = given[0]!;
  if (kind === 'message') source = { kind: 'message', payload: Buffer.from(lastString(raw, 'message')!, 'utf8') };
  else if (kind === 'null-message') source = { kind: 'null' };
  else if (kind === 'file') {
    const path = lastString(raw, 'file')!;
    if (path === '') throw new UsageError('file name (-f) must not be empty');
    source = { kind: 'file', path };
  } else if (kind === 'stdin-file') source = { kind: 'stdin' };
  else source = { kind: 'lines' };

  const repeatText = lastString(raw, 'repeat');
  const delayText = lastString(raw, 'repeat-delay');
  const inflightText = lastString(raw, 'max-inflight');
  if (source.kind === 'lines' && repeatText !== undefined) {
    // mosquitto_pub ignores --repeat with -l; saying so beats silently doing less than asked.
    throw new UsageError('--repeat cannot be combined with -l (each line is one message)');
  }
  const qosText = lastString(raw, 'qos');
  const qos = qosText === undefined ? 0 : parseQos(qosText);
  const config: PublishConfig = {
    topic,
    source,
    qos,
    retain: flag(raw, 'retain'),
    repeat: repeatText === undefined ? 1 : parseIntegerIn(repeatText, 1, Number.MAX_SAFE_INTEGER, 'repeat count (--repeat)'),
    repeatDelayMs:
      delayText === undefined ? 0 : Math.round(parseSecondsAtLeastZero(delayText, 'repeat delay (--repeat-delay)') * 1000),
    maxInflight:
      inflightText === undefined
        ? DEFAULT_MAX_INFLIGHT[qos === 2 ? 2 : 1]
        : parseIntegerIn(inflightText, 1, MAX_INFLIGHT, 'maximum in-flight messages (-M)'),
  };
  const properties = parseProperties(wordLists(raw, 'property'), PUBLISHER_PROPERTY_COMMANDS);
  if (properties.publish) config.properties = properties.publish;
  return config;
}

/** --random-filter: a percentage, as mosquitto_sub's man page documents it (see README). */
function parsePercent(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0.1 && n <= 100)) throw new UsageError(`${what} must be a percentage from 0.1 to 100, not '${text}'`);
  return n;
}

export function parseSubscribeConfig(raw: RawOptions, protocolVersion: ProtocolVersion = 4): SubscribeConfig {
  const urlTopic = topicOfUrl(raw);
  // As in mosquitto_sub, the topic of -L is one more filter.
  const filters = urlTopic === undefined ? allStrings(raw, 'topic') : [...allStrings(raw, 'topic'), urlTopic];
  const unsubscribe = allStrings(raw, 'unsubscribe');
  if (filters.length === 0 && unsubscribe.length === 0) {
    throw new UsageError('no topic given: subscribe with -t FILTER (or unsubscribe with -U FILTER)');
  }
  for (const f of filters) {
    const problem = filterProblem(f);
    if (problem) throw new UsageError(problem);
  }
  for (const f of unsubscribe) {
    const problem = filterProblem(f, 'unsubscribe filter (-U)');
    if (problem) throw new UsageError(problem);
  }
  const filterOut = allStrings(raw, 'filter-out');
  for (const f of filterOut) {
    const problem = filterProblem(f, 'filter-out filter (-T)');
    if (problem) throw new UsageError(problem);
  }
  const qosText = lastString(raw, 'qos');
  const countText = lastString(raw, 'count');
  const timeoutText = lastString(raw, 'timeout');
  const config: SubscribeConfig = {
    filters,
    filterOut,
    qos: qosText === undefined ? 0 : parseQos(qosText),
    noRetained: flag(raw, 'no-retained'),
    exitAfterSubscribe: flag(raw, 'exit-after-sub'),
    unsubscribe,
    removeRetained: flag(raw, 'remove-retained'),
    retainedOnly: flag(raw, 'retained-only'),
    retainAsPublished: flag(raw, 'retain-as-published'),
    reconnect: !flag(raw, 'no-reconnect'),
  };
  if (config.noRetained && config.retainedOnly) {
    throw new UsageError('-R and --retained-only cannot be combined: -R drops the retained messages --retained-only prints');
  }
  if (config.retainAsPublished && protocolVersion !== 5) {
    throw new UsageError('--retain-as-published is an MQTT 5 subscription option: add -V 5');
  }
  const randomText = lastString(raw, 'random-filter');
  if (randomText !== undefined) config.randomFilterPercent = parsePercent(randomText, 'chance (--random-filter)');
  if (countText !== undefined) {
    config.count = parseIntegerIn(countText, 1, Number.MAX_SAFE_INTEGER, 'message count (-C)');
  }
  if (timeoutText !== undefined) config.timeoutSec = parsePositiveSeconds(timeoutText, 'timeout (-W)');
  const properties = parseProperties(wordLists(raw, 'property'), SUBSCRIBER_PROPERTY_COMMANDS);
  if (properties.subscribe) config.properties = properties.subscribe;
  if (properties.unsubscribe) config.unsubscribeProperties = properties.unsubscribe;
  return config;
}
