// wire.js: the binary data frames of the control channel, encoded and parsed here only.
// A data frame is [kind: 1 byte][id: 4 bytes, unsigned, big-endian][payload bytes as they are]:
// a WebSocket message (text or binary) of a connection, or a piece (body) or the end of an HTTP
// body of an exchange or a publish. The runtime's Java side is org.browsersocket.protocol.DataFrame.

var KIND_TEXT = 0;
var KIND_BINARY = 1;
var KIND_BODY = 2;
var KIND_END = 3;
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
    frame = frameOf(KIND_BINARY, id, bytes);
  }
  if (frame.length - HEADER_BYTES > maxMessageBytes) {
    throw new RangeError('message of ' + (frame.length - HEADER_BYTES) + ' bytes exceeds the runtime\'s limit of ' + maxMessageBytes);
  }
  new DataView(frame.buffer, frame.byteOffset).setUint32(1, id);
  return frame;
}

/** Encodes a piece of an HTTP body (a Uint8Array) of exchange or publish `id`. */
function encodeBodyFrame(id, bytes) {
  return frameOf(KIND_BODY, id, bytes);
}

/** Encodes the end of the HTTP body of exchange or publish `id`. */
function encodeEndFrame(id) {
  return frameOf(KIND_END, id, new Uint8Array(0));
}

function frameOf(kind, id, bytes) {
  var frame = new Uint8Array(HEADER_BYTES + bytes.length);
  frame[0] = kind;
  new DataView(frame.buffer).setUint32(1, id);
  frame.set(bytes, HEADER_BYTES);
  return frame;
}

/**
 * Parses a data frame: `{kind, id, data}` with `data` a string (text), an ArrayBuffer (binary and
 * body) or undefined (end).
 */
function decodeDataFrame(buffer) {
  var view = new DataView(buffer);
  var kind = view.getUint8(0);
  var data = kind === KIND_TEXT ? decoder.decode(new Uint8Array(buffer, HEADER_BYTES))
    : kind === KIND_END ? undefined
    : buffer.slice(HEADER_BYTES);
  return { kind: kind, id: view.getUint32(1), data: data };
}
