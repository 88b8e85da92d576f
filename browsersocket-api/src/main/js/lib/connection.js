// connection.js: one accepted peer connection; the page author's handler object is its face.

var CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;

function Connection(control, id, handler) {
  var self = this;
  this.control = control;
  this.id = id;
  this.handler = handler;
  this.state = CONNECTING;
  handler.send = function (data) { self.send(data); };
  handler.close = function (code, reason) { self.close(code, reason); };
  Object.defineProperty(handler, 'readyState', { configurable: true, get: function () { return self.state; } });
  Object.defineProperty(handler, 'bufferedAmount', { configurable: true,
    get: function () { return control.bufferedAmount(); } });
}

Connection.prototype.opened = function (protocol) {
  if (this.state !== CONNECTING) return;
  this.state = OPEN;
  this.handler.protocol = protocol || '';
  call(this.handler, 'onopen', { type: 'open', target: this.handler });
};

Connection.prototype.deliver = function (data) {
  if (this.state === CONNECTING) this.opened(null);
  if (this.state === OPEN) call(this.handler, 'onmessage', { type: 'message', data: data, target: this.handler });
};

Connection.prototype.closed = function (code, reason, wasClean) {
  if (this.state === CLOSED) return;
  var wasOpen = this.state !== CONNECTING;
  this.state = CLOSED;
  this.control.connections.delete(this.id);
  if (!wasOpen) return;
  // As a WebSocket does: an error event first when the connection did not close cleanly.
  if (!wasClean) call(this.handler, 'onerror', { type: 'error', target: this.handler });
  call(this.handler, 'onclose', { type: 'close', code: code, reason: reason || '', wasClean: !!wasClean, target: this.handler });
};

Connection.prototype.send = function (data) {
  if (this.state === CONNECTING) throw new DOMException('the connection is not open yet', 'InvalidStateError');
  if (this.state !== OPEN) return; // like WebSocket: sending on a closing or closed connection is a no-op
  this.control.send(encodeDataFrame(this.id, data, this.control.maxMessageBytes));
};

Connection.prototype.close = function (code, reason) {
  if (code === undefined) code = 1000;
  if (code !== 1000 && (code < 3000 || code > 4999)) throw new DOMException('close code must be 1000 or 3000-4999', 'InvalidAccessError');
  reason = reason === undefined ? '' : String(reason);
  if (encoder.encode(reason).length > 123) throw new DOMException('close reason longer than 123 bytes', 'SyntaxError');
  if (this.state !== OPEN) return;
  this.state = CLOSING;
  this.control.send({ type: 'close', conn: this.id, code: code, reason: reason });
};
