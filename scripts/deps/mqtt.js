// Bundled alone into dist/deps/mqtt.cjs, which the commands load the first time they touch an
// MQTT.js export (scripts/shims/mqtt.js). Only the client side of MQTT.js: its connect() and the
// WebSocket/TLS/SOCKS transports are not included (tsmqtt builds its own stream).
// These are CommonJS modules: as in Node, the default import is their module.exports.
import client from 'mqtt/lib/client';
import store from 'mqtt/lib/store';
import defaultIds from 'mqtt/lib/default-message-id-provider';
import uniqueIds from 'mqtt/lib/unique-message-id-provider';
import keepalive from 'mqtt/lib/KeepaliveManager';
import ack from 'mqtt/lib/handlers/ack';

export const MqttClient = client.default;
export const Store = store.default;
export const DefaultMessageIdProvider = defaultIds.default;
export const UniqueMessageIdProvider = uniqueIds.default;
export const KeepaliveManager = keepalive.default;
export const ReasonCodes = ack.ReasonCodes;
