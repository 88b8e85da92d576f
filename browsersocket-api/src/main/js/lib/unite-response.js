// unite-response.js: Opera Unite's WebServerResponse, written piece by piece, as a Response: its
// status and headers are fixed by the first write or close(), and every write goes into its body
// stream as it comes.

var NULL_BODY_STATUSES = [204, 205, 304]; // a Response of these statuses may have no body
var uniteResponses = new WeakMap();       // UniteResponse -> {committed, response: Promise<Response>}

/** A response as Unite handlers see it (`e.connection.response`) for `connection`. */
function UniteResponse(connection) {
  var self = this;
  var status = 200;
  var headers = new Headers(); // a Headers of its own: a Response's would drop Set-Cookie
  var body = null;             // the body stream's controller once committed (null for a bodiless status)
  var gone = false;            // the client went away: writes are dropped
  var state = { committed: false };
  state.response = new Promise(function (resolve) { state.resolve = resolve; });
  uniteResponses.set(this, state);

  this.connection = connection;
  /** Whether close() was called (or the client went away). */
  this.closed = false;
  /** Opera's switches: every write is sent as it comes, chunked when the length is not known by then. */
  this.chunked = true;
  this.implicitFlush = true;

  function frozen(what) {
    return new DOMException(what + ' must come before the first write or close()', 'InvalidStateError');
  }

  function commit() {
    if (state.committed) return;
    state.committed = true;
    var bodiless = NULL_BODY_STATUSES.indexOf(status) >= 0;
    if (!bodiless && !headers.has('content-type')) headers.set('content-type', 'text/html; charset=utf-8');
    var stream = bodiless ? null : new ReadableStream({
      start: function (controller) { body = controller; },
      cancel: function () { gone = true; self.closed = true; connection.closed = true; }
    });
    var response = new Response(stream, { status: status });
    Object.defineProperty(response, 'headers', { value: headers, enumerable: true });
    state.resolve(response);
  }

  function enqueue(bytes) {
    commit();
    if (!body || gone || self.closed) return;
    body.enqueue(bytes);
  }

  /** Sets the status (200..599; `text` is not sent: HTTP/1.1 reason phrases are the runtime's). */
  this.setStatusCode = function (code, text) {
    if (state.committed) throw frozen('setStatusCode()');
    code = Number(code);
    if (!Number.isInteger(code) || code < 200 || code > 599) throw new RangeError('status code ' + code + ' is not in 200..599');
    status = code;
  };

  /** Sets a response header (Set-Cookie adds one more). */
  this.setResponseHeader = function (name, value) {
    if (state.committed) throw frozen('setResponseHeader()');
    if (String(name).toLowerCase() === 'set-cookie') headers.append(name, String(value));
    else headers.set(name, String(value));
  };

  /** Writes text (UTF-8). */
  this.write = function (data) {
    enqueue(encoder.encode(String(data)));
  };

  /** Writes text and a newline. */
  this.writeLine = function (data) {
    self.write((data === undefined ? '' : String(data)) + '\n');
  };

  /** Writes bytes: a Uint8Array, another ArrayBuffer view, an ArrayBuffer or an array of numbers (copied). */
  this.writeBytes = function (data) {
    var bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
      : data instanceof ArrayBuffer ? new Uint8Array(data.slice(0))
      : Uint8Array.from(data);
    enqueue(bytes);
  };

  /** Writes are sent as they come: calls `callback` (if any) soon. */
  this.flush = function (callback) {
    if (typeof callback === 'function') later(callback);
  };

  /** Ends the response; later writes are dropped. Calls `callback` (if any) soon. */
  this.close = function (callback) {
    commit();
    if (!self.closed) {
      self.closed = true;
      connection.closed = true;
      if (body && !gone) body.close();
    }
    if (typeof callback === 'function') later(callback);
  };
}

/** The Response `unite` becomes, once its head is fixed. */
function uniteResponseOf(unite) {
  return uniteResponses.get(unite).response;
}

/** Whether `unite`'s head is fixed (written to or closed). */
function uniteResponseCommitted(unite) {
  return uniteResponses.get(unite).committed;
}
