import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.js';
import { filterProblem, publishTopicProblem } from './topics.js';

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
}

export interface ConnectionConfig {
  host: string;
  port: number;
  /** '' asks the broker to assign an id (MQTT 3.1.1 and 5). */
  clientId: string;
  keepalive: number;
  username?: string;
  password?: string;
  cleanSession: boolean;
  protocolVersion: ProtocolVersion;
  /** MQTT 5 session expiry interval in seconds; undefined means the property is not sent. */
  sessionExpiry?: number;
  will?: WillConfig;
  /** How long to wait for CONNACK after the transport is up. */
  connectTimeoutMs: number;
  /** MQTT 5 receive maximum announced in CONNECT; undefined: not sent (the broker assumes 65,535). */
  receiveMaximum?: number;
}

export type MessageSource =
  | { kind: 'message'; payload: Buffer }
  | { kind: 'null' }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' };

export interface PublishConfig {
  topic: string;
  source: MessageSource;
  qos: QoS;
  retain: boolean;
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
}

export const DEFAULT_PORT = 1883;
export const DEFAULT_KEEPALIVE = 60;
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const SESSION_NEVER_EXPIRES = 0xffffffff;
/** MQTT 3.1 servers may reject client ids over 23 characters. */
const MQTT31_MAX_ID_LENGTH = 23;

// ---- accessors over RawOptions ------------------------------------------------------------

/** Scalar options: the last occurrence wins, as in mosquitto's clients. */
export function lastString(raw: RawOptions, name: string): string | undefined {
  const v = raw[name];
  if (Array.isArray(v)) return v[v.length - 1];
  return typeof v === 'string' ? v : undefined;
}

export function allStrings(raw: RawOptions, name: string): string[] {
  const v = raw[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
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

export function parseConnectionConfig(raw: RawOptions, pid = process.pid): ConnectionConfig {
  const versionText = lastString(raw, 'protocol-version');
  const protocolVersion = versionText === undefined ? 4 : parseProtocolVersion(versionText);
  const portText = lastString(raw, 'port');
  const keepaliveText = lastString(raw, 'keepalive');
  const cleanSession = !flag(raw, 'disable-clean-session');
  const clientId = resolveClientId(raw, protocolVersion, pid);
  const hasFixedId = lastString(raw, 'id') !== undefined;

  const username = lastString(raw, 'username');
  const password = lastString(raw, 'pw');
  if (password !== undefined && username === undefined && protocolVersion !== 5) {
    throw new UsageError('a password (-P) needs a username (-u) in MQTT 3.x');
  }

  const expiryText = lastString(raw, 'session-expiry-interval');
  let sessionExpiry: number | undefined;
  if (expiryText !== undefined) {
    if (protocolVersion !== 5) {
      throw new UsageError('the session expiry interval (-x) is an MQTT 5 feature: add -V 5');
    }
    sessionExpiry = parseSessionExpiry(expiryText);
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
    host: lastString(raw, 'host') ?? 'localhost',
    port: portText === undefined ? DEFAULT_PORT : parseIntegerIn(portText, 1, 65535, 'port (-p)'),
    clientId,
    keepalive:
      keepaliveText === undefined
        ? DEFAULT_KEEPALIVE
        : parseIntegerIn(keepaliveText, 5, 65535, 'keepalive (-k)'),
    cleanSession,
    protocolVersion,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  };
  if (config.host === '') throw new UsageError('host (-h) must not be empty');
  if (username !== undefined) config.username = username;
  if (password !== undefined) config.password = password;
  if (sessionExpiry !== undefined && sessionExpiry !== 0) config.sessionExpiry = sessionExpiry;
  const will = parseWill(raw);
  if (will) config.will = will;
  return config;
}

const MESSAGE_SOURCES = ['message', 'null-message', 'file', 'stdin-file'] as const;

export function parsePublishConfig(raw: RawOptions): PublishConfig {
  const given = MESSAGE_SOURCES.filter((name) => raw[name] !== undefined && raw[name] !== false);
  const total = given.reduce((n, name) => {
    const v = raw[name];
    return n + (Array.isArray(v) ? v.length : 1);
  }, 0);
  if (total > 1) {
    throw new UsageError('give only one message source: one of -m, -n, -f, -s');
  }
  const topic = lastString(raw, 'topic');
  if (topic === undefined) throw new UsageError('no topic given: use -t TOPIC');
  const problem = publishTopicProblem(topic);
  if (problem) throw new UsageError(problem);
  if (total === 0) throw new UsageError('no message given: use one of -m, -n, -f, -s');

  let source: MessageSource;
  const kind = given[0]!;
  if (kind === 'message') source = { kind: 'message', payload: Buffer.from(lastString(raw, 'message')!, 'utf8') };
  else if (kind === 'null-message') source = { kind: 'null' };
  else if (kind === 'file') {
    const path = lastString(raw, 'file')!;
    if (path === '') throw new UsageError('file name (-f) must not be empty');
    source = { kind: 'file', path };
  } else source = { kind: 'stdin' };

  const qosText = lastString(raw, 'qos');
  return {
    topic,
    source,
    qos: qosText === undefined ? 0 : parseQos(qosText),
    retain: flag(raw, 'retain'),
  };
}

/** --random-filter: a percentage, as mosquitto_sub's man page documents it (see README). */
function parsePercent(text: string, what: string): number {
  const t = text.trim();
  const n = /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 0.1 && n <= 100)) throw new UsageError(`${what} must be a percentage from 0.1 to 100, not '${text}'`);
  return n;
}

export function parseSubscribeConfig(raw: RawOptions, protocolVersion: ProtocolVersion = 4): SubscribeConfig {
  const filters = allStrings(raw, 'topic');
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
  return config;
}
