// outgoing-response.js: a page's Response on its way to the runtime, shared by HTTP exchanges and
// publishes: the headers it may send, its declared length, and its bytes as body frames (wire.js)
// in pieces, paced by what the control channel has yet to send.

var MAX_BODY_PIECE = 256 * 1024;          // one body frame's payload at most
var MAX_CHANNEL_BUFFER = 1024 * 1024;     // above this many unsent bytes on the channel, wait
var DRAIN_POLL_MS = 8;                    // a WebSocket has no drain event: bufferedAmount is polled

// The runtime frames the message itself (Content-Length or chunked) and owns the connection.
var HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'te', 'trailer'];

/**
 * The headers of `response` to send, as `[name, value]` pairs, names in lower case, without
 * hop-by-hop headers. A response fetch() got from elsewhere has a decoded body: its
 * Content-Encoding no longer describes it.
 */
function outgoingHeaders(response) {
  var fetched = response.type === 'basic' || response.type === 'cors';
  var pairs = [];
  response.headers.forEach(function (value, name) {
    name = name.toLowerCase();
    if (HOP_BY_HOP.indexOf(name) >= 0 || name.indexOf('proxy-') === 0) return;
    if (fetched && name === 'content-encoding') return;
    if (name === 'set-cookie' && typeof response.headers.getSetCookie === 'function') return; // below, one pair each
    pairs.push([name, value]);
  });
  if (typeof response.headers.getSetCookie === 'function') {
    response.headers.getSetCookie().forEach(function (cookie) { pairs.push(['set-cookie', cookie]); });
  }
  return pairs;
}

/**
 * The body length `response` declares in its own Content-Length header, or null. Not trusted for
 * a response fetch() got from elsewhere: its header counts the encoded bytes, its body is decoded.
 */
function declaredLength(response) {
  if (response.type === 'basic' || response.type === 'cors') return null;
  var value = response.headers.get('content-length');
  return value != null && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
}

/** The first header named `name` among `pairs`, or null. */
function headerValue(pairs, name) {
  for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === name) return pairs[i][1];
  return null;
}

/** A body chunk as a Uint8Array; like fetch, a stream must give bytes (strings are a TypeError). */
function bytesOf(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('a response body stream gave ' + describe(chunk) + ', not a Uint8Array');
}

/**
 * Sends `bytes` as body frames of `id`, in pieces of at most 256 KiB, each once the channel has
 * at most 1 MiB unsent. Resolves when all are handed to the channel, or when `stopped()` turns true.
 */
function sendBodyBytes(control, id, bytes, stopped) {
  var offset = 0;
  function next() {
    if (stopped() || offset >= bytes.length) return Promise.resolve();
    return channelDrained(control, stopped).then(function () {
      if (stopped()) return;
      var piece = bytes.subarray(offset, offset + MAX_BODY_PIECE);
      offset += piece.length;
      control.send(encodeBodyFrame(id, piece));
      return next();
    });
  }
  return next();
}

/** Resolves once the channel has at most 1 MiB unsent (or has closed, or `stopped()`). */
function channelDrained(control, stopped) {
  return new Promise(function (resolve) {
    (function poll() {
      if (stopped() || !control.isOpen() || control.bufferedAmount() <= MAX_CHANNEL_BUFFER) resolve();
      else setTimeout(poll, DRAIN_POLL_MS);
    })();
  });
}

/** A value named for an error message: "undefined", "a string", "an Object", "a Blob". */
function describe(value) {
  if (value === null || value === undefined) return String(value);
  var name = typeof value === 'object' || typeof value === 'function'
    ? (value.constructor && value.constructor.name) || 'object' : typeof value;
  return (/^[aeiou]/i.test(name) ? 'an ' : 'a ') + name;
}
