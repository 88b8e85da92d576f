// wire.js: the binary data frames of the control channel, encoded and parsed here only.
// A data frame is [kind: 1 byte][id: 4 bytes, unsigned, big-endian][payload bytes as they are]:
// a WebSocket message (text or binary) of a connection, or a piece (body) or the end of an HTTP
// body of an exchange or a publish. A batch carries several data frames in one message:
// [4][count: 4 bytes] then, per frame, [length: 4 bytes][the data frame]; a side sends batches only
// when the other said it reads them (hello and welcome). A batch may carry control messages too
// (kind 5, id 0, JSON as UTF-8), so that what one side sends in one turn keeps its order in one
// message. The runtime's Java side is
// org.browsersocket.protocol.DataFrame.

var KIND_TEXT = 0;
var KIND_BINARY = 1;
var KIND_BODY = 2;
var KIND_END = 3;
var KIND_BATCH = 4;
var KIND_CONTROL = 5;
var HEADER_BYTES = 5;
var BATCH_LENGTH_BYTES = 4;
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

/** Encodes a control message (JSON text) as a frame for a batch. */
function encodeControlFrame(json) {
  return frameOf(KIND_CONTROL, 0, encoder.encode(json));
}

/** Encodes several frames (Uint8Arrays from the encoders above) as one batch. */
function encodeBatch(frames) {
  var size = HEADER_BYTES;
  for (var i = 0; i < frames.length; i++) size += BATCH_LENGTH_BYTES + frames[i].length;
  var batch = new Uint8Array(size);
  var view = new DataView(batch.buffer);
  batch[0] = KIND_BATCH;
  view.setUint32(1, frames.length);
  var at = HEADER_BYTES;
  for (var j = 0; j < frames.length; j++) {
    view.setUint32(at, frames[j].length);
    batch.set(frames[j], at + BATCH_LENGTH_BYTES);
    at += BATCH_LENGTH_BYTES + frames[j].length;
  }
  return batch;
}

/**
 * Parses a data frame: `{kind, id, data}` with `data` a string (text and control), an ArrayBuffer
 * (binary and body) or undefined (end).
 */
function decodeDataFrame(buffer) {
  var frame = null;
  forEachDataFrame(buffer, function (kind, id, data) { frame = { kind: kind, id: id, data: data }; });
  return frame;
}

/**
 * Calls `visit(kind, id, data)` for the data frame in `buffer` (an ArrayBuffer), or for each frame
 * of a batch, in order; `data` as decodeDataFrame gives it. Throws a RangeError at a malformed
 * frame or batch, after visiting the frames before it.
 */
function forEachDataFrame(buffer, visit) {
  var view = new DataView(buffer);
  if (buffer.byteLength < HEADER_BYTES) throw new RangeError('data frame of ' + buffer.byteLength + ' bytes is shorter than its header');
  if (view.getUint8(0) !== KIND_BATCH) {
    visitFrame(buffer, view, 0, buffer.byteLength, visit);
    return;
  }
  var count = view.getUint32(1);
  var at = HEADER_BYTES;
  for (var i = 0; i < count; i++) {
    if (buffer.byteLength - at < BATCH_LENGTH_BYTES) throw new RangeError('a batch of ' + count + ' data frames ends after ' + i);
    var length = view.getUint32(at);
    at += BATCH_LENGTH_BYTES;
    if (length > buffer.byteLength - at || length < HEADER_BYTES || view.getUint8(at) === KIND_BATCH) {
      throw new RangeError('frame ' + (i + 1) + ' of a batch is malformed');
    }
    visitFrame(buffer, view, at, at + length, visit);
    at += length;
  }
  if (at !== buffer.byteLength) throw new RangeError('a batch of ' + count + ' data frames has ' + (buffer.byteLength - at) + ' bytes more');
}

function visitFrame(buffer, view, start, end, visit) {
  var kind = view.getUint8(start);
  var data = kind === KIND_TEXT || kind === KIND_CONTROL ? decoder.decode(new Uint8Array(buffer, start + HEADER_BYTES, end - start - HEADER_BYTES))
    : kind === KIND_END ? undefined
    : buffer.slice(start + HEADER_BYTES, end);
  visit(kind, view.getUint32(start + 1), data);
}
