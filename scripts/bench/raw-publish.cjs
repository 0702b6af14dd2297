// A reference for `npm run bench`, not part of tsmqtt: the least a Node.js program can do to publish
// one message: no option parsing beyond -p/-t/-m/-q, no checks, no error messages. TCP connect,
// CONNECT, PUBLISH (QoS 0 or 1), DISCONNECT, and exit once the broker has closed the connection,
// as tspub does. Its time over `node -e ''` is what Node's own socket code and the exchange with
// the broker cost any Node.js publisher: the floor under tspub's one-shot row.
'use strict';
const net = require('node:net');

const args = process.argv.slice(2);
const option = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
const port = Number(option('-p', '1883'));
const topic = Buffer.from(option('-t', 'x'));
const payload = Buffer.from(option('-m', ''));
const qos = Number(option('-q', '0'));

const prefixed = (b) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
const packet = (header, body) => Buffer.concat([Buffer.from([header, body.length]), body]); // bodies < 128 bytes
const connect = packet(0x10, Buffer.concat([prefixed(Buffer.from('MQTT')), Buffer.from([4, 2, 0, 60]), prefixed(Buffer.alloc(0))]));
const publish = packet(0x30 | (qos << 1), Buffer.concat([prefixed(topic), qos ? Buffer.from([0, 1]) : Buffer.alloc(0), payload]));
const disconnect = Buffer.from([0xe0, 0]);

const socket = net.connect({ host: '127.0.0.1', port });
socket.write(connect);
socket.on('data', (data) => {
  if (data[0] === 0x20 && data[3] === 0) {
    if (qos === 0) socket.end(Buffer.concat([publish, disconnect]));
    else socket.write(publish);
  } else if (data[0] === 0x40) {
    socket.end(disconnect);
  } else {
    process.exitCode = 1;
    socket.destroy();
  }
});
socket.on('error', () => {
  process.exitCode = 1;
});
