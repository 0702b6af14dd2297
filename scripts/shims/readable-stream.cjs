// readable-stream's own `READABLE_STREAM=disable` mode, chosen at build time: Node's built-in
// stream classes instead of readable-stream's copy of them (78 KB that every run would compile and
// evaluate). Exports exactly what readable-stream 4 exports in that mode.
'use strict';
const Stream = require('node:stream');

module.exports = {
  _uint8ArrayToBuffer: Stream._uint8ArrayToBuffer,
  _isUint8Array: Stream._isUint8Array,
  isDisturbed: Stream.isDisturbed,
  isErrored: Stream.isErrored,
  isReadable: Stream.isReadable,
  Readable: Stream.Readable,
  Writable: Stream.Writable,
  Duplex: Stream.Duplex,
  Transform: Stream.Transform,
  PassThrough: Stream.PassThrough,
  addAbortSignal: Stream.addAbortSignal,
  finished: Stream.finished,
  destroy: Stream.destroy,
  pipeline: Stream.pipeline,
  compose: Stream.compose,
  Stream: Stream.Stream,
};
module.exports.default = module.exports;
