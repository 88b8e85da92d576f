// http-exchange.js: one HTTP request to a listener and the page's answer. The runtime's request
// message becomes a fetch Request (its body a stream fed by body frames); the page's Response goes
// back as a response message and body frames (outgoing-response.js), with byte ranges served for
// bodies of known length (byte-range.js).

var MAX_BUFFERED_BODY = 16 * 1024 * 1024; // a body still coming past this is streamed
var BUFFER_READ_MS = 50;                  // a body read slower than this is streamed
var SLOW = {};                            // the result of a read that did not come in time

// What a Request cannot carry, for layers over BrowserSocket (unite-*.js): the header pairs as
// they came (a Headers object joins repeated names) and the resource as requested.
var requestDetails = new WeakMap(); // Request -> {headers: [[name, value]], resource}

/** One exchange: `message` is the runtime's request message, `prefix` the listener's resource prefix. */
function HttpExchange(control, message, prefix) {
  this.control = control;
  this.id = message.conn;
  this.listener = message.listener;
  this.message = message;
  this.prefix = prefix;
  this.method = String(message.method).toUpperCase();
  this.request = null;
  this.requestBody = null;               // the request body stream's controller while it takes frames
  this.requestBodyDone = !message.body;  // no body frames are to come
  this.responseDone = false;             // the end frame or an abort went out
  this.aborted = false;                  // ended before its time (by the runtime, the channel or the page)
  this.reader = null;                    // the response body's reader while it is read
  this.abortController = new AbortController();
}

/**
 * The exchange's Request: `new Request(url, {method, body, signal})`, its body a stream of the
 * body frames (none for GET and HEAD: theirs are dropped), `request.signal` aborted when the client
 * goes away. A Request's own Headers would drop the names fetch forbids a page to set (Host, Cookie,
 * Origin, Content-Length…), so its `headers` is a Headers of its own holding every header; it also
 * gets `remoteAddress` and `path` (the resource after the listener's prefix, from "/", with the
 * query). Null when no Request can be made (a method fetch forbids, say): then answered already.
 */
HttpExchange.prototype.open = function () {
  var self = this, m = this.message;
  var init = { method: m.method, signal: this.abortController.signal };
  if (m.body && this.method !== 'GET' && this.method !== 'HEAD') {
    init.body = new ReadableStream({
      start: function (controller) { self.requestBody = controller; },
      cancel: function () { self.requestBody = null; } // the page wants no more: later frames are dropped
    });
    init.duplex = 'half';
  }
  var request, headers;
  try {
    headers = new Headers(m.headers || []);
    // Its own Headers too (what fetch allows of them): body readers such as formData() and blob()
    // take the Content-Type from there.
    init.headers = headers;
    request = new Request(m.url, init);
  } catch (e) {
    this.requestBody = null;
    var forbidden = /^(CONNECT|TRACE|TRACK)$/.test(this.method);
    this.answer(forbidden ? 501 : 400, [], (forbidden ? 'method not implemented here: ' : 'bad request: ') + e.message);
    return null;
  }
  Object.defineProperty(request, 'headers', { value: headers, enumerable: true });
  Object.defineProperty(request, 'remoteAddress', { value: String(m.remoteAddress || ''), enumerable: true });
  Object.defineProperty(request, 'path', { value: pathWithin(String(m.resource), this.prefix), enumerable: true });
  requestDetails.set(request, { headers: (m.headers || []).slice(), resource: String(m.resource) });
  this.request = request;
  return request;
};

/** A piece of the request body arrived (an ArrayBuffer). */
HttpExchange.prototype.bodyData = function (buffer) {
  if (!this.requestBody) return;
  try { this.requestBody.enqueue(new Uint8Array(buffer)); } catch (e) { this.requestBody = null; }
};

/** The request body is complete. */
HttpExchange.prototype.bodyEnd = function () {
  if (this.requestBody) {
    try { this.requestBody.close(); } catch (e) { /* already closed or errored */ }
    this.requestBody = null;
  }
  this.requestBodyDone = true;
  this.forgetIfDone();
};

/**
 * The exchange ends here without a word to the runtime: the runtime aborted it (the client went
 * away, the request failed), or the channel or listener closed. The request body stream errors,
 * `request.signal` aborts, and the response body is no longer read.
 */
HttpExchange.prototype.abort = function (reason) {
  if (this.aborted) return;
  this.aborted = true;
  this.responseDone = true;
  this.requestBodyDone = true;
  var error = new DOMException(reason || 'the request was aborted', 'AbortError');
  if (this.requestBody) {
    try { this.requestBody.error(error); } catch (e) { /* already closed */ }
    this.requestBody = null;
  }
  if (this.reader) this.reader.cancel(error).catch(function () {});
  this.reader = null;
  this.abortController.abort(error);
  this.forgetIfDone();
};

/**
 * The page failed to answer (its handler threw, its promise rejected, it gave no Response, its
 * body stream errored): shown on the page's console, and the runtime gives the client a 500 or,
 * if the response had begun, cuts the connection.
 */
HttpExchange.prototype.fail = function (error) {
  if (this.aborted || this.responseDone) return;
  reportError(error);
  this.control.send({ type: 'abort', conn: this.id, reason: error instanceof Error ? error.message : String(error) });
  this.abort('the page failed to answer');
};

/** Answers with `answer`: a Response, or a promise of one (anything else fails the exchange). */
HttpExchange.prototype.respond = function (answer) {
  var self = this;
  Promise.resolve(answer).then(function (response) {
    if (Object.prototype.toString.call(response) !== '[object Response]') {
      throw new TypeError('the request handler returned ' + describe(response) + ', not a Response');
    }
    return self.send(response);
  }).catch(function (e) { self.fail(e); });
};

/** Answers with a short text the library wrote itself (404, 426…). */
HttpExchange.prototype.answer = function (status, headers, text) {
  if (this.aborted || this.responseDone) return;
  var body = encoder.encode(text);
  this.control.send({ type: 'response', conn: this.id, status: status,
                      headers: headers.concat([['content-type', 'text/plain; charset=utf-8']]), length: body.length });
  if (this.method !== 'HEAD' && body.length) this.control.send(encodeBodyFrame(this.id, body));
  this.control.send(encodeEndFrame(this.id));
  this.responseDone = true;
  this.forgetIfDone();
};

/**
 * Sends `response`. Its length is its own Content-Length if it has one; otherwise its body is read
 * ahead while each read comes within 50 ms, up to 16 MiB: a body that ends meanwhile is sent with
 * its length (and may be served in ranges), any other is streamed (length null: chunked). A HEAD
 * request gets the head alone. The end frame always follows.
 */
HttpExchange.prototype.send = async function (response) {
  var self = this;
  if (this.aborted) {
    if (response.body && !response.body.locked) response.body.cancel().catch(function () {});
    return;
  }
  if (response.status < 200 || response.status > 599) {
    throw new TypeError(response.type === 'error' ? 'the request handler returned a network error (Response.error())'
      : 'the request handler returned a Response whose status cannot be sent (' + response.status + ', ' + response.type + ')');
  }
  if (response.bodyUsed || (response.body && response.body.locked)) throw new TypeError('the response body was already read');
  var headers = outgoingHeaders(response);
  var length = declaredLength(response);
  var reader = response.body ? response.body.getReader() : null;
  var read = { chunks: [], complete: !reader, pending: null }; // what was read ahead
  this.reader = reader;
  if (!reader && (length === null || this.method !== 'HEAD')) {
    length = 0;
  } else if (reader && length === null) {
    read = await readAhead(reader, function () { return self.aborted; });
    if (read.complete) length = read.chunks.reduce(function (n, c) { return n + c.length; }, 0);
  }
  if (this.aborted) return;

  var status = response.status, skip = 0, count = length;
  if (length !== null && status === 200) {
    var range = this.rangeOf(length, headers);
    if (!headerValue(headers, 'accept-ranges')) headers.push(['accept-ranges', 'bytes']);
    if (range && range.unsatisfiable) {
      status = 416;
      count = 0;
    } else if (range) {
      status = 206;
      skip = range.start;
      count = range.end - range.start + 1;
    }
    if (range) headers.push(['content-range', contentRange(range, length)]);
  }
  this.control.send({ type: 'response', conn: this.id, status: status, headers: headers, length: count });
  var exhausted = read.complete;
  if (this.method !== 'HEAD' && count !== 0) exhausted = await this.sendBody(read, reader, skip, count);
  if (this.aborted) return;
  if (reader && !exhausted) reader.cancel().catch(function () {}); // HEAD, a range, or more than it declared
  this.reader = null;
  this.control.send(encodeEndFrame(this.id));
  this.responseDone = true;
  this.forgetIfDone();
};

/**
 * The byte range a GET asks of a 200 response's body of `length` bytes (byte-range.js), unless the
 * page says it takes none (Accept-Ranges: none) or If-Range names another version of the body.
 */
HttpExchange.prototype.rangeOf = function (length, headers) {
  if (this.method !== 'GET') return null;
  var accepted = headerValue(headers, 'accept-ranges');
  if (accepted && accepted.trim().toLowerCase() === 'none') return null;
  var asked = this.request.headers;
  if (!ifRangeMatches(asked.get('if-range'), headerValue(headers, 'etag'), headerValue(headers, 'last-modified'))) return null;
  return byteRange(asked.get('range'), length);
};

/**
 * Sends the body: what was read ahead, then the rest of `reader`, less its first `skip` bytes and
 * at most `count` bytes (null: all). Resolves to whether the reader is exhausted; throws when the
 * body ends short of `count` (a Content-Length the body does not keep).
 */
HttpExchange.prototype.sendBody = async function (read, reader, skip, count) {
  var self = this, stopped = function () { return self.aborted; };
  var sent = 0, index = 0, pending = read.pending, exhausted = read.complete;
  while (count === null || sent < count) {
    var chunk;
    if (index < read.chunks.length) {
      chunk = read.chunks[index++];
    } else if (exhausted) {
      break;
    } else {
      var result = await (pending || reader.read());
      pending = null;
      if (this.aborted) return false;
      if (result.done) { exhausted = true; break; }
      chunk = bytesOf(result.value);
    }
    if (skip > 0) {
      var cut = Math.min(skip, chunk.length);
      chunk = chunk.subarray(cut);
      skip -= cut;
    }
    if (count !== null && chunk.length > count - sent) chunk = chunk.subarray(0, count - sent);
    await sendBodyBytes(this.control, this.id, chunk, stopped);
    if (this.aborted) return false;
    sent += chunk.length;
  }
  if (count !== null && sent < count) {
    throw new Error('the response body ended ' + (count - sent) + ' bytes short of its Content-Length');
  }
  return exhausted;
};

/** Forgets the exchange once both its request body and its response are through. */
HttpExchange.prototype.forgetIfDone = function () {
  if (this.responseDone && this.requestBodyDone && this.control.exchanges.get(this.id) === this) {
    this.control.exchanges.delete(this.id);
  }
};

/**
 * Reads a body ahead while each read comes within 50 ms, up to 16 MiB: `{chunks, complete,
 * pending}`, `complete` when the body ended, `pending` the read still awaited when one was slow.
 * What was read is one chunk, so that many small writes go out in few frames.
 */
async function readAhead(reader, stopped) {
  var chunks = [], total = 0;
  function read(complete, pending) {
    var all = new Uint8Array(total), at = 0;
    chunks.forEach(function (c) { all.set(c, at); at += c.length; });
    return { chunks: total ? [all] : [], complete: complete, pending: pending };
  }
  while (total <= MAX_BUFFERED_BODY && !stopped()) {
    var next = reader.read();
    next.catch(function () {}); // if it fails after it was left pending, whoever awaits it sees that
    var result = await within(next, BUFFER_READ_MS);
    if (result === SLOW) return read(false, next);
    if (result.done) return read(true, null);
    var bytes = bytesOf(result.value);
    chunks.push(bytes);
    total += bytes.length;
  }
  return read(false, null);
}

/** `promise`'s result if it comes within `ms`, else SLOW. */
function within(promise, ms) {
  var timer;
  var timeout = new Promise(function (resolve) { timer = setTimeout(resolve, ms, SLOW); });
  return Promise.race([promise, timeout]).finally(function () { clearTimeout(timer); });
}

/**
 * `resource` relative to the listener's `prefix` ("/p/"): "/p/a?q" -> "/a?q", "/p/" and "/p" ->
 * "/", "/p?q" -> "/?q".
 */
function pathWithin(resource, prefix) {
  if (!prefix) return resource;
  if (resource.indexOf(prefix) === 0) return '/' + resource.slice(prefix.length);
  var bare = prefix.replace(/\/$/, '');
  var next = resource.charAt(bare.length);
  if (resource.indexOf(bare) === 0 && (next === '' || next === '?')) return '/' + resource.slice(bare.length);
  return resource;
}
