/**
 * BrowserSocket: a WebSocket *server* in a web page.
 *
 *   function EchoHandler() { this.onmessage = function (msg) { this.send(msg.data); }; }
 *   var bs = new BrowserSocket(function () { return new EchoHandler(); });
 *   var address = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix;
 *
 * The host runtime serves this file with the page's configuration minted in (control URL, public
 * port, page token, one prefix per listener the page may open), which is why `port` and
 * `resourcePrefix` are known synchronously. One WebSocket to the runtime (the control channel)
 * carries all of the page's listeners: JSON text frames for control, binary frames for data
 * (5-byte header: kind, connection id; then the payload bytes as they are).
 */
(function (global) {
  'use strict';

  var config = /*@RUNTIME_CONFIG@*/null;

  var KIND_TEXT = 0;
  var KIND_BINARY = 1;
  var HEADER_BYTES = 5;
  var CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  var channel = null;      // the page's control channel, opened with the first listener
  var nextListener = 0;    // index of the next prefix in config.prefixes

  /** The control channel: one WebSocket to the runtime, shared by every listener of the page. */
  function ControlChannel() {
    var self = this;
    this.listeners = new Map();    // listener index -> BrowserSocket
    this.connections = new Map();  // connection id -> Connection
    this.queue = [];
    this.failure = null;
    this.ws = new WebSocket(config.control);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = function () {
      self.ws.send(JSON.stringify({ type: 'hello', token: config.token }));
      self.queue.forEach(function (m) { self.ws.send(m); });
      self.queue = null;
    };
    this.ws.onmessage = function (event) {
      if (typeof event.data === 'string') self.onControl(JSON.parse(event.data));
      else self.onData(event.data);
    };
    this.ws.onclose = function (event) {
      var reason = self.failure || (self.queue
        ? 'the BrowserSocket host runtime at ' + config.control + ' is unreachable'
        : 'the host runtime closed the control channel (code ' + event.code + ')');
      self.connections.forEach(function (c) { c.closed(1006, '', false); });
      self.listeners.forEach(function (bs) { internals.get(bs).fail(reason); });
      self.listeners.clear();
      if (channel === self) channel = null;
    };
  }

  ControlChannel.prototype.send = function (message) {
    var data = typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message);
    if (this.queue) this.queue.push(data);
    else if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  };

  ControlChannel.prototype.onControl = function (m) {
    var bs = m.listener == null ? null : this.listeners.get(m.listener);
    var c = this.connections.get(m.conn);
    switch (m.type) {
      case 'welcome': break;
      case 'listening': if (bs) internals.get(bs).opened(); break;
      case 'handshake': this.onHandshake(m, bs); break;
      case 'open': if (c) c.opened(m.protocol); break;
      case 'close': if (c) c.closed(m.code, m.reason, m.wasClean); break;
      case 'error':
        if (m.fatal) this.failure = m.reason;
        if (bs) internals.get(bs).fail(m.reason);
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

  ControlChannel.prototype.onData = function (buffer) {
    var view = new DataView(buffer);
    var c = this.connections.get(view.getUint32(1));
    if (!c) return;
    var data = view.getUint8(0) === KIND_TEXT
      ? decoder.decode(new Uint8Array(buffer, HEADER_BYTES))
      : buffer.slice(HEADER_BYTES);
    c.deliver(data);
  };

  /** An accepted peer connection; the page author's handler object is its face. */
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
      get: function () { return control.ws.bufferedAmount; } });
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
    if (wasOpen) call(this.handler, 'onclose', { type: 'close', code: code, reason: reason || '', wasClean: !!wasClean, target: this.handler });
  };

  Connection.prototype.send = function (data) {
    if (this.state === CONNECTING) throw new DOMException('the connection is not open yet', 'InvalidStateError');
    if (this.state !== OPEN) return; // like WebSocket: sending on a closing or closed connection is a no-op
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
    if (frame.length - HEADER_BYTES > config.maxMessageBytes) {
      throw new RangeError('message of ' + (frame.length - HEADER_BYTES) + ' bytes exceeds the runtime\'s limit of ' + config.maxMessageBytes);
    }
    new DataView(frame.buffer, frame.byteOffset).setUint32(1, this.id);
    this.control.send(frame);
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

  var internals = new WeakMap();

  /**
   * Registers a listener. `factory()` is called once per incoming connection and returns the
   * connection's handler. `port` and `resourcePrefix` are set before the constructor returns.
   */
  class BrowserSocket extends EventTarget {
    constructor(factory) {
      super();
      if (typeof factory !== 'function') throw new TypeError('new BrowserSocket(factory): factory must be a function');
      var self = this;
      var settle = {};
      var state = { index: -1, factory: factory };
      this.onerror = null;
      this.onopen = null;
      this.onclose = null;
      this.ready = new Promise(function (resolve, reject) { settle.resolve = resolve; settle.reject = reject; });
      this.ready.catch(function () {}); // a page that only uses onerror must not see unhandled rejections
      var readyState = CONNECTING;
      Object.defineProperty(this, 'readyState', { enumerable: true, get: function () { return readyState; } });
      state.opened = function () {
        if (readyState !== CONNECTING) return;
        readyState = OPEN;
        settle.resolve(self);
        emit(self, 'open', {});
      };
      state.fail = function (reason) {
        if (readyState === CLOSED) return;
        readyState = CLOSED;
        if (channel) channel.listeners.delete(state.index);
        var error = new Error(reason);
        settle.reject(error);
        emit(self, 'error', { message: reason, error: error });
        emit(self, 'close', { reason: reason });
      };
      state.stop = function () {
        if (readyState === CLOSED) return;
        readyState = CLOSED;
        if (channel) {
          channel.listeners.delete(state.index);
          channel.send({ type: 'unlisten', listener: state.index });
        }
        settle.reject(new Error('stopped'));
        emit(self, 'close', { reason: 'stopped' });
      };
      internals.set(this, state);

      if (!config) {
        defineAddress(this, undefined, undefined);
        later(state.fail, 'browsersocket.js must be loaded from a BrowserSocket host runtime (e.g. http://127.0.0.1:7040/browsersocket.js)');
        return;
      }
      if (nextListener >= config.prefixes.length) {
        defineAddress(this, config.port, undefined);
        later(state.fail, 'listener limit reached: a page may open ' + config.prefixes.length + ' listeners');
        return;
      }
      state.index = nextListener++;
      defineAddress(this, config.port, config.prefixes[state.index]);
      if (!channel) channel = new ControlChannel();
      channel.listeners.set(state.index, this);
      channel.send({ type: 'listen', listener: state.index });
    }

    /** Closes the listener and every connection it accepted; its prefix is never reused. */
    stop() {
      internals.get(this).stop();
    }

    /**
     * The URLs other machines can reach this listener at, from the address service(s): asks each
     * configured endpoint (`{ipv4: 'http://…:7050', ipv6: 'http://[…]:7050'}`, default
     * `BrowserSocket.addressServices`) for this machine's address as seen from outside. Resolves
     * to `[{url, family, address, teredo, service}]` (`teredo` is null or the decoded Teredo parts);
     * an endpoint that fails is left out and listed in the array's `errors`; rejects only when all fail.
     */
    reachableUrls(endpoints) {
      var self = this;
      endpoints = endpoints || BrowserSocket.addressServices || {};
      var services = Object.keys(endpoints).map(function (k) { return endpoints[k]; }).filter(Boolean);
      if (!services.length) return Promise.reject(new Error('no address service configured (set BrowserSocket.addressServices)'));
      if (this.port === undefined || this.resourcePrefix === undefined) return Promise.reject(new Error('this listener has no address'));
      var errors = [];
      return Promise.all(services.map(function (service) {
        return fetch(service.replace(/\/+$/, '') + '/address', { mode: 'cors', credentials: 'omit', cache: 'no-store' })
          .then(function (response) {
            if (!response.ok) throw new Error('HTTP ' + response.status);
            return response.json();
          })
          .then(function (answer) {
            var host = answer.version === 6 ? '[' + answer.ip + ']' : answer.ip;
            return { url: 'ws://' + host + ':' + self.port + self.resourcePrefix, family: answer.version,
                     address: answer.ip, teredo: answer.teredo || null, service: service };
          }, function (e) { errors.push(service + ': ' + e.message); return null; });
      })).then(function (answers) {
        var seen = new Set();
        var urls = answers.filter(function (a) { return a && !seen.has(a.url) && seen.add(a.url); });
        if (!urls.length) throw new Error('no address service answered: ' + errors.join('; '));
        urls.errors = errors;
        return urls;
      });
    }
  }

  /** Default address-service endpoints for `reachableUrls()`, e.g. `{ipv4: 'http://198.51.100.7:7050'}`. */
  BrowserSocket.addressServices = null;

  // A page that is left must not keep serving: Chromium may keep it alive (frozen, sockets open)
  // in the back/forward cache. Closing the control channel closes its listeners; peers see 1001.
  global.addEventListener('pagehide', function () {
    if (channel) {
      channel.failure = 'the page was left (navigation or tab closed)';
      channel.ws.close(1000, 'page hidden');
    }
  });

  BrowserSocket.CONNECTING = CONNECTING;
  BrowserSocket.OPEN = OPEN;
  BrowserSocket.CLOSED = CLOSED;

  function defineAddress(bs, port, prefix) {
    Object.defineProperty(bs, 'port', { value: port, enumerable: true });
    Object.defineProperty(bs, 'resourcePrefix', { value: prefix, enumerable: true });
  }

  function emit(bs, type, fields) {
    var event = new Event(type);
    Object.keys(fields).forEach(function (k) { Object.defineProperty(event, k, { value: fields[k] }); });
    var handler = bs['on' + type];
    if (typeof handler === 'function') {
      try { handler.call(bs, event); } catch (e) { reportError(e); }
    }
    bs.dispatchEvent(event);
  }

  function call(handler, name, event) {
    if (typeof handler[name] !== 'function') return;
    try { handler[name](event); } catch (e) { reportError(e); }
  }

  function later(fn, arg) { setTimeout(function () { fn(arg); }, 0); }

  function reportError(e) {
    if (typeof global.reportError === 'function') global.reportError(e);
    else if (global.console) console.error(e);
  }

  /**
   * A client of the discovery service (OpenLookup-like): advertise values under a name with a TTL
   * and an optional secret, look them up, watch a name for new values, withdraw them; and keep a
   * signed value that only the holder of a key may change.
   *
   *   var lobby = new BrowserSocketDiscovery('http://127.0.0.1:7060');
   *   lobby.advertise('chat-lobby', JSON.stringify(room), { ttl: 300, secret: mySecret });
   *   var watch = lobby.watch('chat-lobby', function (v) { … }, function (gone) { … });
   */
  class BrowserSocketDiscovery {
    constructor(serviceUrl) {
      if (typeof serviceUrl !== 'string' || !serviceUrl) throw new TypeError('new BrowserSocketDiscovery(serviceUrl)');
      this.service = serviceUrl.replace(/\/+$/, '');
    }

    /** Stores `value` (text) under `name` for `options.ttl` seconds; with `options.secret` it can be withdrawn. */
    advertise(name, value, options) {
      options = options || {};
      var body = { value: String(value), ttl: options.ttl || 3600 };
      if (options.secret) body.secret = String(options.secret);
      return this._post('/v1/values/' + encodeURIComponent(name), body);
    }

    /** All live values under `name`, following placemarks: `[{value, base64, hash, ttl, removable}]`. */
    lookup(name, options) {
      var self = this, max = (options && options.max) || 100, all = [];
      function page(placemark) {
        var url = self.service + '/v1/values/' + encodeURIComponent(name) + '?max=' + max
          + (placemark ? '&placemark=' + encodeURIComponent(placemark) : '');
        return fetchJson(url, { mode: 'cors', credentials: 'omit', cache: 'no-store' }).then(function (body) {
          all = all.concat(body.values);
          return body.placemark ? page(body.placemark) : all;
        });
      }
      return page('');
    }

    /**
     * Calls `onValue(v)` for every live value under `name`, now and as new ones arrive (Server-Sent
     * Events), and `onGone({hash})` when one is withdrawn or expires. Returns `{close()}`.
     */
    watch(name, onValue, onGone) {
      var source = new EventSource(this.service + '/v1/watch/' + encodeURIComponent(name));
      source.addEventListener('value', function (e) { onValue(JSON.parse(e.data)); });
      if (onGone) source.addEventListener('gone', function (e) { onGone(JSON.parse(e.data)); });
      return { close: function () { source.close(); }, source: source };
    }

    /** Removes the value (text) advertised under `name` with `secret`. */
    withdraw(name, value, secret) {
      return this._post('/v1/values/' + encodeURIComponent(name) + '/remove', { value: String(value), secret: String(secret) });
    }

    /** A new ECDSA P-256 key pair for signed values (WebCrypto). */
    static generateKey() {
      return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    }

    /** The principal of a key pair: hex SHA-1 of its public key (SubjectPublicKeyInfo). */
    static principalOf(keyPair) {
      return crypto.subtle.exportKey('spki', keyPair.publicKey)
        .then(function (spki) { return crypto.subtle.digest('SHA-1', spki); })
        .then(hex);
    }

    /**
     * Sets the signed value of (this key's principal, `label`) to `value` (text). `sequence` must be
     * higher than the last one stored. Resolves to `{principal, label}`.
     */
    putSigned(keyPair, label, value, sequence) {
      var self = this, valueBytes = encoder.encode(String(value));
      var head = encoder.encode('openlookup-signed-v1\n' + label + '\n' + sequence + '\n');
      var message = new Uint8Array(head.length + valueBytes.length);
      message.set(head);
      message.set(valueBytes, head.length);
      return Promise.all([
        crypto.subtle.exportKey('spki', keyPair.publicKey),
        crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, message)
      ]).then(function (parts) {
        return self._post('/v1/signed/' + encodeURIComponent(label),
          { publicKey: base64(parts[0]), value: String(value), sequence: sequence, signature: base64(parts[1]) });
      });
    }

    /** The signed value (text) of `label` whose principal starts with `principalPrefix`. */
    getSigned(principalPrefix, label) {
      return fetch(this.service + '/value/' + encodeURIComponent(principalPrefix) + '/' + encodeURIComponent(label),
        { mode: 'cors', credentials: 'omit', cache: 'no-store' }).then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.error || 'HTTP ' + r.status); });
        return r.text();
      });
    }

    _post(path, body) {
      return fetchJson(this.service + path, { method: 'POST', mode: 'cors', credentials: 'omit',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    }
  }

  function fetchJson(url, init) {
    return fetch(url, init).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || 'HTTP ' + r.status);
        return body;
      });
    });
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function base64(buffer) {
    var bytes = new Uint8Array(buffer), text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  global.BrowserSocket = BrowserSocket;
  global.BrowserSocketDiscovery = BrowserSocketDiscovery;
})(typeof window !== 'undefined' ? window : self);
