import type { IClientOptions } from 'mqtt';
import type { ConnectionConfig } from '../config/types.js';
import { PacketIdAllocator } from './message-ids.js';

/** MQTT.js's options for a configuration: the one place tsmqtt's settings meet MQTT.js's names. */
export function toClientOptions(config: ConnectionConfig): IClientOptions {
  const options: IClientOptions = {
    protocolVersion: config.protocolVersion,
    protocolId: config.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    clientId: config.clientId,
    clean: config.cleanSession,
    keepalive: config.keepalive,
    // Command-line runs decide for themselves when to reconnect; MQTT.js retries every second by default.
    reconnectPeriod: 0,
    connectTimeout: config.connectTimeoutMs,
    resubscribe: false,
    messageIdProvider: new PacketIdAllocator(),
    // mqtt-packet otherwise builds 65,536 two-byte buffers on the first packet: ~10 MB of RSS
    // and a garbage collection at start-up, for numbers it can as well encode when needed.
    writeCache: false,
    // A PINGREQ every keepalive interval, rather than a timer re-armed for every acknowledgement
    // (hundreds of thousands on a long tspub -l stream).
    reschedulePings: false,
    // MQTT.js traces every step through its logger; -d has its own per-packet lines.
    log: () => {},
    // Once a topic has an alias (-D publish topic-alias N), later messages send the alias alone,
    // as mosquitto_pub does: that is what an alias is for.
    autoUseTopicAlias: true,
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  const properties = connectProperties(config);
  if (properties) options.properties = properties;
  if (config.will) {
    options.will = { topic: config.will.topic, payload: config.will.payload, qos: config.will.qos, retain: config.will.retain };
    if (config.will.properties) options.will.properties = config.will.properties;
  }
  return options;
}

function connectProperties(config: ConnectionConfig): IClientOptions['properties'] | undefined {
  const receiveMaximum = config.protocolVersion === 5 ? config.receiveMaximum : undefined;
  if (config.sessionExpiry === undefined && !config.properties && receiveMaximum === undefined) return undefined;
  const properties: NonNullable<IClientOptions['properties']> = { ...config.properties };
  if (config.sessionExpiry !== undefined) properties.sessionExpiryInterval = config.sessionExpiry;
  // An explicit -D connect receive-maximum is the user's word; -C's cap applies otherwise.
  if (receiveMaximum !== undefined && properties.receiveMaximum === undefined) properties.receiveMaximum = receiveMaximum;
  return properties;
}
