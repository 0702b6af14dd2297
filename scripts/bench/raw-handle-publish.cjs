// A reference for `npm run bench`, not part of tsmqtt: raw-publish.cjs on libuv's TCP handle
// (process.binding('tcp_wrap'), what net.Socket is built on and what tspub's quick path uses where
// Node offers it; see src/core/libuv-tcp.ts) instead of net.Socket. Same exchange, same exit:
// once the broker has closed the connection. Its time over `node -e ''` is the floor under tspub's
// one-shot row as tspub runs it; the difference to raw-publish.cjs is what net.Socket costs.
'use strict';
const { TCP, TCPConnectWrap, constants } = process.binding('tcp_wrap');
const { WriteWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset } = process.binding('stream_wrap');

const { port, qos, connect, publish, disconnect } = require('./raw-packets.cjs');

const handle = new TCP(constants.SOCKET);
const pending = new Set(); // write requests libuv still holds
const write = (data) => {
  const req = new WriteWrap();
  req.handle = handle;
  req.oncomplete = () => pending.delete(req);
  pending.add(req);
  if (handle.writeBuffer(req, data) < 0) {
    process.exitCode = 1;
    handle.close();
  }
};
handle.onread = (buffer) => {
  const nread = streamBaseState[kReadBytesOrError];
  if (nread < 0) {
    handle.close(); // the broker closed the connection (or reset it)
    return;
  }
  const data = Buffer.from(buffer, streamBaseState[kArrayBufferOffset], nread);
  if (data[0] === 0x20 && data[3] === 0) write(qos === 0 ? Buffer.concat([publish, disconnect]) : publish);
  else if (data[0] === 0x40) write(disconnect);
  else {
    process.exitCode = 1;
    handle.close();
  }
};
const req = new TCPConnectWrap();
req.oncomplete = (status) => {
  if (status < 0) {
    process.exitCode = 1;
    handle.close();
    return;
  }
  handle.readStart();
  write(connect);
};
if (handle.connect(req, '127.0.0.1', port) < 0) {
  process.exitCode = 1;
  handle.close();
}
