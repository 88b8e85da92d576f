// wire.js: the binary data frames of the control channel, encoded and parsed here only.
// A data frame is [kind: 1 byte][connection id: 4 bytes, big-endian][payload bytes as they are];
// the runtime's Java side is org.browsersocket.protocol.DataFrame.

var KIND_TEXT = 0;
var KIND_BINARY = 1;
var HEADER_BYTES = 5;
var encoder = new TextEncoder();
var decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is part of the message

/** Encodes one message (string, ArrayBuffer or view) for connection `id`; checks the size limit. */
function encodeDataFrame(id, data, maxMessageBytes) {
  var frame;
  if (typeof data === 'string') {
    frame = new Uint8Array(HEADER_BYTES + data.length * 3);
    frame = frame.subarray(0, HEADER_BYTES + encoder.encodeInto(data, frame.subarray(HEADER_BYTES)).written);
    frame[0] = KIND_TEXT;
  } else {
    var bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
      : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!bytes) throw new TypeError('send() takes a string, an ArrayBuffer or an ArrayBufferView');
    frame = new Uint8Array(HEADER_BYTES + bytes.length);
    frame.set(bytes, HEADER_BYTES);
    frame[0] = KIND_BINARY;
  }
  if (frame.length - HEADER_BYTES > maxMessageBytes) {
    throw new RangeError('message of ' + (frame.length - HEADER_BYTES) + ' bytes exceeds the runtime\'s limit of ' + maxMessageBytes);
  }
  new DataView(frame.buffer, frame.byteOffset).setUint32(1, id);
  return frame;
}

/** Parses a data frame: `{id, data}` with `data` a string (text) or an ArrayBuffer (binary). */
function decodeDataFrame(buffer) {
  var view = new DataView(buffer);
  var data = view.getUint8(0) === KIND_TEXT
    ? decoder.decode(new Uint8Array(buffer, HEADER_BYTES))
    : buffer.slice(HEADER_BYTES);
  return { id: view.getUint32(1), data: data };
}
