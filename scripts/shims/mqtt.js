// What the commands see as `mqtt`. The real entry point evaluates all of MQTT.js (connect() with
// every transport, stores, id providers) at import. Here each export is a stand-in that loads
// dist/deps/mqtt.cjs (scripts/deps/mqtt.js) the first time it is constructed, called or read: `--help`
// never parses or evaluates MQTT.js, and no run evaluates the WebSocket, TLS or SOCKS code.
// An import of a name not listed here fails the build: add it here and in scripts/deps/mqtt.js.

let deps;
const load = () => (deps ??= require('tsmqtt-deps/mqtt'));

/** A class whose module is evaluated the first time it is constructed or touched. */
function lazyClass(name) {
  const real = () => load()[name];
  return new Proxy(function MqttLazyClass() {}, {
    construct: (_, args, newTarget) => Reflect.construct(real(), args, newTarget),
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/** A plain object whose module is evaluated the first time it is read. */
function lazyObject(name) {
  const real = () => load()[name];
  return new Proxy({}, {
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

export const MqttClient = lazyClass('MqttClient');
export const Client = MqttClient;
export const Store = lazyClass('Store');
export const DefaultMessageIdProvider = lazyClass('DefaultMessageIdProvider');
export const UniqueMessageIdProvider = lazyClass('UniqueMessageIdProvider');
export const KeepaliveManager = lazyClass('KeepaliveManager');
export const ReasonCodes = lazyObject('ReasonCodes');
