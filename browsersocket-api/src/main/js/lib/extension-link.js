// extension-link.js: a WebSocket-like link from the page to the BrowserSocket extension's content
// script, over a private MessageChannel; the extension carries it to the runtime by native
// messaging. Messages on the port: {kind: 'text', data: string}, {kind: 'binary', data: ArrayBuffer},
// {kind: 'close', code, reason}; from the extension also {kind: 'open'}.

function ExtensionLink() {
  var self = this;
  var channel = new MessageChannel();
  this.readyState = CONNECTING;
  this.bufferedAmount = 0;
  this.binaryType = 'arraybuffer';
  this.onopen = this.onmessage = this.onclose = null;
  this.port = channel.port1;
  this.port.onmessage = function (event) {
    var m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.kind === 'open' && self.readyState === CONNECTING) {
      self.readyState = OPEN;
      if (self.onopen) self.onopen({ type: 'open' });
    } else if ((m.kind === 'text' || m.kind === 'binary') && self.readyState === OPEN) {
      if (self.onmessage) self.onmessage({ type: 'message', data: m.data });
    } else if (m.kind === 'close') {
      self.closed(m.code || 1006, m.reason || '');
    }
  };
  global.postMessage({ browsersocket: 'connect' }, '*', [channel.port2]);
}

ExtensionLink.prototype.send = function (data) {
  if (this.readyState !== OPEN) return;
  if (typeof data === 'string') {
    this.port.postMessage({ kind: 'text', data: data });
  } else {
    var copy = data.slice().buffer; // its own buffer, so it can be transferred
    this.port.postMessage({ kind: 'binary', data: copy }, [copy]);
  }
};

ExtensionLink.prototype.close = function (code, reason) {
  if (this.readyState === CLOSED) return;
  this.port.postMessage({ kind: 'close', code: code || 1000, reason: reason || '' });
  this.closed(code || 1000, reason || '');
};

ExtensionLink.prototype.closed = function (code, reason) {
  if (this.readyState === CLOSED) return;
  this.readyState = CLOSED;
  this.port.close();
  if (this.onclose) this.onclose({ type: 'close', code: code, reason: reason, wasClean: code !== 1006 });
};
