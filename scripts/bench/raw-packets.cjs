// The command line and the packets of the two raw publishers (raw-publish.cjs, raw-handle-publish.cjs):
// -p PORT -t TOPIC -m MESSAGE -q 0|1, an MQTT 3.1.1 CONNECT with a clean session and an empty
// client id, the PUBLISH (packet id 1 at QoS 1) and DISCONNECT. Bodies stay under 128 bytes.
'use strict';

const args = process.argv.slice(2);
const option = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
const qos = Number(option('-q', '0'));
const topic = Buffer.from(option('-t', 'x'));
const payload = Buffer.from(option('-m', ''));

const prefixed = (b) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
const packet = (header, body) => Buffer.concat([Buffer.from([header, body.length]), body]);

module.exports = {
  port: Number(option('-p', '1883')),
  qos,
  connect: packet(0x10, Buffer.concat([prefixed(Buffer.from('MQTT')), Buffer.from([4, 2, 0, 60]), prefixed(Buffer.alloc(0))])),
  publish: packet(0x30 | (qos << 1), Buffer.concat([prefixed(topic), qos ? Buffer.from([0, 1]) : Buffer.alloc(0), payload])),
  disconnect: Buffer.from([0xe0, 0]),
};
