import { randomHex } from './random-hex.js';
import { UsageError } from '../errors.js';
import { resolveCredentials } from './credentials.js';
import { parseProperties, type PropertyCommand } from './properties.js';
import { flag, lastString, wordLists, type RawOptions } from './raw-options.js';
import { publishTopicProblem } from './topics.js';
import { resolveAddress } from './transport-config.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE,
  MQTT31_MAX_ID_LENGTH,
  SESSION_NEVER_EXPIRES,
  type ConnectionConfig,
  type ProtocolVersion,
  type WillConfig,
} from './types.js';
import { parseIntegerIn, parsePositiveSeconds, parseProtocolVersion, parseQos, parseSessionExpiry } from './values.js';

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
    clientId = `tsmqtt-${randomHex(16)}`;
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
 * The MQTT 5 session expiry from -x or -D connect session-expiry-interval, with mosquitto's
 * meaning of -c (a session that never expires), and the client id such a session needs.
 */
function resolveSessionExpiry(raw: RawOptions, protocolVersion: ProtocolVersion, connectExpiry: number | undefined): number | undefined {
  const cleanSession = !flag(raw, 'disable-clean-session');
  const hasFixedId = lastString(raw, 'id') !== undefined;
  const expiryText = lastString(raw, 'session-expiry-interval');
  let sessionExpiry: number | undefined;
  if (expiryText !== undefined) {
    if (protocolVersion !== 5) throw new UsageError('the session expiry interval (-x) is an MQTT 5 feature: add -V 5');
    sessionExpiry = parseSessionExpiry(expiryText);
  }
  if (connectExpiry !== undefined) {
    if (expiryText !== undefined) {
      throw new UsageError('give the session expiry once: -x or -D connect session-expiry-interval, not both');
    }
    sessionExpiry = connectExpiry;
  }
  if (!cleanSession && !hasFixedId) {
    if (protocolVersion !== 5) throw new UsageError('-c (keep the session) needs a client id: give one with -i');
    if (sessionExpiry === undefined || sessionExpiry === SESSION_NEVER_EXPIRES) {
      throw new UsageError('-c with a session that never expires needs a client id: give one with -i');
    }
  }
  // mosquitto's meaning of -c under MQTT 5: clean start off and a session that never expires.
  if (protocolVersion === 5 && !cleanSession && sessionExpiry === undefined) sessionExpiry = SESSION_NEVER_EXPIRES;
  if (sessionExpiry === SESSION_NEVER_EXPIRES && !hasFixedId) {
    throw new UsageError('a session that never expires needs a client id: give one with -i');
  }
  return sessionExpiry;
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
  // So does -e (request/response), as mosquitto_rr defaults to MQTT 5.
  const wantsV5 = propertyArgs.length > 0 || lastString(raw, 'response-topic') !== undefined;
  const protocolVersion = versionText === undefined ? (wantsV5 ? 5 : 4) : parseProtocolVersion(versionText);
  if (propertyArgs.length > 0 && protocolVersion !== 5) {
    throw new UsageError(`MQTT 5 properties (-D) need MQTT 5, not -V ${versionText}: use -V 5`);
  }
  const properties = parseProperties(propertyArgs, propertyCommands);
  const keepaliveText = lastString(raw, 'keepalive');
  const cleanSession = !flag(raw, 'disable-clean-session');
  const clientId = resolveClientId(raw, protocolVersion, pid);

  const address = resolveAddress(raw);
  const credentials = resolveCredentials(raw, address.url);
  const { username } = credentials;
  // MQTT 5 allows a password alone, but MQTT.js, which encodes CONNECT, sends none without a user.
  if ((credentials.password !== undefined || credentials.passwordFrom) && username === undefined) {
    throw new UsageError('a password (-P) needs a username (-u)');
  }

  const { sessionExpiryInterval: connectExpiry, ...connectProperties } = properties.connect ?? {};
  const sessionExpiry = resolveSessionExpiry(raw, protocolVersion, connectExpiry);

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
