// control-channel.js: the page's one channel to its host runtime, shared by all its listeners.
// JSON text frames carry control messages, binary frames carry data (wire.js). The channel runs
// over a WebSocket-like link: a real WebSocket to the runtime, or the extension's port.

var PAGE_IDS = 2147483648;    // 2^31: ids from here up are the page's to choose
var MAX_PAGE_ID = 4294967295; // 2^32 - 1

/**
 * `runtime` is the page's way to the runtime (see runtime-*.js): `connect()` returns the link,
 * `hello()` the first message, `explainClose(event, everOpened)` a reason (or a promise of one)
 * for a channel that closed unasked.
 */
function ControlChannel(runtime, grant) {
  var self = this;
  this.runtime = runtime;
  this.maxMessageBytes = grant.maxMessageBytes;
  this.listeners = new Map();    // listener index -> BrowserSocket
  this.connections = new Map();  // connection id -> Connection
  this.exchanges = new Map();    // exchange id -> HttpExchange (the same id space as connections, kept apart)
  this.lastPageId = PAGE_IDS - 1; // the last id the page chose (for a publish)
  this.queue = [];
  this.batches = false;          // whether the runtime reads batched data frames (its welcome says)
  this.outgoing = [];            // what was sent during this task (JSON text, data frames), to travel together
  this.outgoingBytes = 0;          // an upper bound of their size in a batch
  this.flushTask = function () { self.flushData(); };
  this.failure = null;
  this.candidates = null;        // the runtime's ways in, best first, from its latest reachability message
  this.link = runtime.connect(grant);
  this.link.binaryType = 'arraybuffer';
  this.link.onopen = function () {
    var hello = runtime.hello(grant);
    hello.batches = true; // this library reads batched data frames
    // For the runtime's status page, which shows pages by address and title (display text only).
    try { hello.url = String(location.href).split('#')[0]; hello.title = String(document.title); } catch (e) { /* no document */ }
    self.link.send(JSON.stringify(hello));
    self.queue.forEach(function (m) { self.link.send(m); });
    self.queue = null;
  };
  var visitFrame = function (kind, id, data) { self.onFrame(kind, id, data); };
  this.link.onmessage = function (event) {
    if (typeof event.data === 'string') self.onControl(JSON.parse(event.data));
    else {
      try { forEachDataFrame(event.data, visitFrame); } catch (e) { reportError(e); }
    }
  };
  this.link.onclose = function (event) {
    var everOpened = !self.queue;
    self.exchanges.forEach(function (x) { x.abort('the control channel closed'); });
    Promise.resolve(self.failure || runtime.explainClose(event, everOpened)).then(function (reason) {
      self.connections.forEach(function (c) { c.closed(1006, '', false); });
      self.listeners.forEach(function (bs) { internals.get(bs).fail(reason); });
      self.listeners.clear();
    });
    runtime.channelClosed(self);
  };
}

/**
 * Sends a control message (an object or JSON text) or a data frame (a Uint8Array). When the
 * runtime reads batches, everything sent during one task travels together, in order, as one
 * batch (a lone message as itself); otherwise each goes at once.
 */
ControlChannel.prototype.send = function (message) {
  var item = typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message);
  if (!this.batches) this.write(item);
  else this.gather(item);
};

ControlChannel.prototype.write = function (data) {
  if (this.queue) this.queue.push(data);
  else if (this.link.readyState === OPEN) this.link.send(data);
};

ControlChannel.prototype.gather = function (item) {
  var size = BATCH_LENGTH_BYTES + (typeof item === 'string' ? HEADER_BYTES + item.length * 3 : item.length);
  // A batch stays within the runtime's message limit (it reads a batch as one message).
  if (this.outgoing.length && this.outgoingBytes + size > this.maxMessageBytes) this.flushData();
  this.outgoing.push(item);
  this.outgoingBytes += size;
  if (this.outgoing.length === 1) queueMicrotask(this.flushTask); // once the current task's code has run
};

ControlChannel.prototype.flushData = function () {
  if (!this.outgoing.length) return;
  var items = this.outgoing;
  this.outgoing = [];
  this.outgoingBytes = 0;
  if (items.length === 1) {
    this.write(items[0]);
    return;
  }
  for (var i = 0; i < items.length; i++) {
    if (typeof items[i] === 'string') items[i] = encodeControlFrame(items[i]);
  }
  this.write(encodeBatch(items));
};

ControlChannel.prototype.bufferedAmount = function () {
  return this.link.bufferedAmount + this.outgoingBytes;
};

/** Whether the channel is open or opening (messages sent now may still arrive). */
ControlChannel.prototype.isOpen = function () {
  return this.link.readyState === CONNECTING || this.link.readyState === OPEN;
};

/** A new id of the page's own (2^31..2^32-1; the runtime's ids stay below), for a publish. */
ControlChannel.prototype.pageId = function () {
  this.lastPageId = this.lastPageId >= MAX_PAGE_ID ? PAGE_IDS : this.lastPageId + 1;
  return this.lastPageId;
};

/** Closes the channel on purpose: its listeners fail with `reason`. */
ControlChannel.prototype.shutDown = function (reason) {
  this.failure = reason;
  this.link.close(1000, 'page hidden');
};

ControlChannel.prototype.onControl = function (m) {
  var bs = m.listener == null ? null : this.listeners.get(m.listener);
  var c = this.connections.get(m.conn);
  switch (m.type) {
    case 'welcome':
      if (m.maxMessageBytes) this.maxMessageBytes = m.maxMessageBytes;
      this.batches = m.batches === true;
      break;
    case 'listening': if (bs) internals.get(bs).opened(m.prefix); break;
    case 'reachability':
      this.candidates = Array.isArray(m.candidates) ? m.candidates : [];
      this.listeners.forEach(function (l) { internals.get(l).reachabilityChanged(); });
      break;
    case 'pending': // the user has yet to allow this site; null names every listener of the page
      (bs ? [bs] : Array.from(this.listeners.values())).forEach(function (l) {
        emit(l, 'pending', { message: m.reason, consentUrl: m.consentUrl || null });
      });
      break;
    case 'handshake': this.onHandshake(m, bs); break;
    case 'request': this.onRequest(m, bs); break;
    case 'abort': if (this.exchanges.has(m.conn)) this.exchanges.get(m.conn).abort(m.reason); break;
    case 'published': if (bs) internals.get(bs).published(m); break;
    case 'open': if (c) c.opened(m.protocol); break;
    case 'close': if (c) c.closed(m.code, m.reason, m.wasClean); break;
    case 'error':
      if (m.fatal) this.failure = m.reason;
      if (bs) internals.get(bs).fail(m.reason);
      else if (m.fatal) this.listeners.forEach(function (l) { internals.get(l).fail(m.reason); });
      else if (!m.fatal && global.console) console.warn('BrowserSocket: ' + m.reason);
      break;
  }
};

ControlChannel.prototype.onHandshake = function (m, bs) {
  if (!bs || bs.readyState !== OPEN) {
    this.send({ type: 'reject', conn: m.conn, status: 404 });
    return;
  }
  var handler, status = 101, reason = '', protocol = null, headers = {};
  try {
    handler = internals.get(bs).factory();
    if (handler === null || typeof handler !== 'object') throw new TypeError('the factory did not return a handler object');
    var connection = new Connection(this, m.conn, handler);
    this.connections.set(m.conn, connection);
    if (typeof handler.onhandshake === 'function') {
      var request = { resource: m.resource, origin: m.origin, protocols: m.protocols.slice(),
                      headers: m.headers, remoteAddress: m.remoteAddress };
      var response = { status: 101, reason: '', protocol: null, headers: {},
                       reject: function (s, r) { this.status = s || 403; this.reason = r || ''; } };
      var verdict = handler.onhandshake(request, response);
      status = verdict === false && response.status === 101 ? 403 : response.status;
      reason = response.reason;
      protocol = response.protocol;
      headers = response.headers;
    }
  } catch (e) {
    status = 500;
    reason = 'connection handler failed: ' + e;
    reportError(e);
  }
  if (status === 101) {
    this.send({ type: 'accept', conn: m.conn, protocol: protocol, headers: headers });
  } else {
    this.connections.delete(m.conn);
    this.send({ type: 'reject', conn: m.conn, status: status, reason: String(reason || '') });
  }
};

/** An HTTP request for a listener: its exchange asks the listener's page for the answer. */
ControlChannel.prototype.onRequest = function (m, bs) {
  var listening = bs && bs.readyState === OPEN;
  var exchange = new HttpExchange(this, m, listening ? bs.resourcePrefix : null);
  this.exchanges.set(m.conn, exchange);
  if (!listening) exchange.answer(404, [], 'no listener here');
  else if (exchange.open()) internals.get(bs).serve(exchange);
};

/** One frame from the runtime (alone or out of a batch): a control message or data. */
ControlChannel.prototype.onFrame = function (kind, id, data) {
  if (kind === KIND_CONTROL) {
    this.onControl(JSON.parse(data));
    return;
  }
  if (kind === KIND_BODY || kind === KIND_END) {
    var exchange = this.exchanges.get(id);
    if (exchange && kind === KIND_BODY) exchange.bodyData(data);
    else if (exchange) exchange.bodyEnd();
    return;
  }
  var c = this.connections.get(id);
  if (c) c.deliver(data);
};
