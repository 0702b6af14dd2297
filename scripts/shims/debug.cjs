// MQTT.js and mqtt-packet create `debug` loggers when they load. The real module parses DEBUG and
// probes the terminal for colours at import; without DEBUG every logger it returns is disabled and
// does nothing. So the real one is loaded only when DEBUG is set (DEBUG=mqttjs* keeps working).
'use strict';

if (process.env.DEBUG) {
  module.exports = require('debug');
} else {
  const disabled = (namespace) => {
    const log = () => {};
    log.namespace = namespace;
    log.enabled = false;
    log.extend = (sub, delimiter = ':') => disabled(`${namespace}${delimiter}${sub}`);
    log.destroy = () => false;
    return log;
  };
  module.exports = disabled;
  module.exports.default = disabled;
  module.exports.enabled = () => false;
}
