// A reference for `npm run bench`, not part of tsmqtt: the least a Node.js program can do to publish
// one message: no option parsing beyond -p/-t/-m/-q, no checks, no error messages. TCP connect,
// CONNECT, PUBLISH (QoS 0 or 1), DISCONNECT, and exit once the broker has closed the connection,
// as tspub does. Its time over `node -e ''` is what Node's own socket code and the exchange with
// the broker cost any Node.js publisher on net.Socket (raw-handle-publish.cjs: on the TCP handle).
'use strict';
const net = require('node:net');

const { port, qos, connect, publish, disconnect } = require('./raw-packets.cjs');

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
