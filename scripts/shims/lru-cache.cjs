// MQTT.js requires lru-cache when it loads, but uses it only for MQTT 5 topic aliases, after a
// CONNACK that offers them. Resolving LRUCache on first use keeps it out of runs that never need it.
'use strict';

let real;
module.exports = {
  get LRUCache() {
    real ??= require('lru-cache');
    return real.LRUCache;
  },
};
