// worker-timers runs timers in a Web Worker; MQTT.js only picks it in a browser (get-timer.js,
// timerVariant 'auto') or when asked with timerVariant 'worker', which tsmqtt never does. Node's
// own timers stand in, so the worker code (and its Babel runtime) is not evaluated at import.
'use strict';

module.exports = {
  setInterval: (fn, ms, ...args) => setInterval(fn, ms, ...args),
  clearInterval: (id) => clearInterval(id),
  setTimeout: (fn, ms, ...args) => setTimeout(fn, ms, ...args),
  clearTimeout: (id) => clearTimeout(id),
};
