import type { ProxyConfig } from './proxy-url.js';
import type {
  ConnectProperties,
  DisconnectProperties,
  PropertyCommand,
  PublishProperties,
  SubscribeProperties,
  UnsubscribeProperties,
  WillProperties,
} from './properties.js';

export type QoS = 0 | 1 | 2;
/** Wire values: 3 = MQTT 3.1, 4 = MQTT 3.1.1, 5 = MQTT 5. */
export type ProtocolVersion = 3 | 4 | 5;

export type TlsMinVersion = 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsConfig {
  caFile?: string;
  caPath?: string;
  /** Trust the system's CAs; without caFile/caPath they are the only trust. */
  useOsCerts: boolean;
  certFile?: string;
  keyFile?: string;
  /** mosquitto's --insecure: skip the host name check, still verify the chain. */
  insecure: boolean;
  minVersion?: TlsMinVersion;
  alpn?: string;
  ciphers?: string;
  psk?: { key: Buffer; identity: string };
}

/** Everything about the way to the broker beyond host and port. Absent parts mean plain TCP. */
export interface TransportConfig {
  unixPath?: string;
  bindAddress?: string;
  noDelay: boolean;
  proxy?: ProxyConfig;
  tls?: TlsConfig;
  /** Set for ws:// and wss://: the HTTP path of the WebSocket upgrade. */
  websocketPath?: string;
}

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
export const SESSION_NEVER_EXPIRES = 0xffffffff;
/**
 * Default -M. At QoS 2 mosquitto_pub's 20: brokers keep state for each incoming QoS 2 message
 * until PUBREL and cap it (mosquitto: 20), and under MQTT 3.1.1 mosquitto drops the excess with a
 * refusal the protocol cannot carry. At QoS 1 a broker keeps nothing once it has sent PUBACK, so a
 * wider window is safe, and it is faster: fewer round trips per message.
 */
export const DEFAULT_MAX_INFLIGHT: Record<1 | 2, number> = { 1: 100, 2: 20 };
/** Packet identifiers are 16 bits, 0 excluded: never more messages in flight than ids. */
export const MAX_INFLIGHT = 65535;

/** The packets each tool sends, and so the commands its -D accepts. */
export const PUBLISHER_PROPERTY_COMMANDS: readonly PropertyCommand[] = ['connect', 'publish', 'disconnect', 'will'];
export const SUBSCRIBER_PROPERTY_COMMANDS: readonly PropertyCommand[] = ['connect', 'subscribe', 'unsubscribe', 'disconnect', 'will'];

/** MQTT 3.1 servers may reject client ids over 23 characters. */
export const MQTT31_MAX_ID_LENGTH = 23;
