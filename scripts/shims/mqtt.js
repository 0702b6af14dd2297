// The `mqtt` entry point evaluates all of MQTT.js (connect() with every transport, stores, id
// providers) at import. This stand-in exports the same names, each loading only its own module, and
// only on first use: `--help` never evaluates MQTT.js, a TCP run never evaluates the WebSocket,
// TLS or SOCKS code. The bundle contains only the parts that src/ names.

/** A class (or object) whose module is evaluated the first time it is constructed or touched. */
function lazy(load) {
  let real;
  const get = () => (real ??= load());
  return new Proxy(function MqttLazy() {}, {
    construct: (_, args, newTarget) => Reflect.construct(get(), args, newTarget),
    apply: (_, self, args) => Reflect.apply(get(), self, args),
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}

/** A plain object whose module is evaluated the first time it is read. */
function lazyObject(load) {
  let real;
  const get = () => (real ??= load());
  return new Proxy({}, {
    get: (_, key) => Reflect.get(get(), key),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(get(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

export const MqttClient = lazy(() => require('mqtt/lib/client').default);
export const Client = MqttClient;
export const Store = lazy(() => require('mqtt/lib/store').default);
export const DefaultMessageIdProvider = lazy(() => require('mqtt/lib/default-message-id-provider').default);
export const UniqueMessageIdProvider = lazy(() => require('mqtt/lib/unique-message-id-provider').default);
export const KeepaliveManager = lazy(() => require('mqtt/lib/KeepaliveManager').default);
export const ReasonCodes = lazyObject(() => require('mqtt/lib/handlers/ack').ReasonCodes);

export function connect(...args) {
  return require('mqtt/lib/connect/index').default(...args);
}

export function connectAsync(...args) {
  return require('mqtt/lib/connect/index').connectAsync(...args);
}
