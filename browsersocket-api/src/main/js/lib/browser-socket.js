// browser-socket.js: the BrowserSocket class, the listener a page opens. How the page reaches its
// runtime (script minted by the runtime, the site's own copy, or the extension) is `pageRuntime`,
// set by the bundle's entry (entries/*.js).

var internals = new WeakMap();
var channel = null;      // the page's control channel, opened with the first listener

/** The page's control channel, opened (and its grant claimed) on first use. */
function channelFor(grant) {
  if (!channel) channel = new ControlChannel(pageRuntime, grant);
  return channel;
}

function channelGone(closed) {
  if (channel === closed) channel = null;
}

/**
 * Registers a listener. `factory()` is called once per incoming connection and returns the
 * connection's handler. Where the runtime's grant is known when the script runs (the runtime's own
 * script, the extension), `port` and `resourcePrefix` are set before the constructor returns;
 * otherwise (the site's own copy of the library) they are set when `ready` resolves.
 *
 * The same prefix answers plain HTTP requests (anything but a WebSocket handshake): `onrequest`
 * and the 'request' event (request-event.js). A listener with neither answers them 426.
 */
class BrowserSocket extends EventTarget {
  /**
   * `options.credentialHeaders`: let `onhandshake` see peers' Cookie and Authorization headers
   * (withheld by default: they carry the peer's credentials for this host, not for the page).
   * `options.name` (1-64 letters, digits, '.', '_', '-'): a named listener has the same prefix on
   * every visit of this site (and after the runtime restarts), so what it serves keeps its address;
   * its `resourcePrefix` is set when it opens, not before.
   */
  constructor(factory, options) {
    super();
    if (typeof factory !== 'function') throw new TypeError('new BrowserSocket(factory): factory must be a function');
    var self = this;
    var settle = {};
    var name = options && options.name != null ? String(options.name) : null;
    if (name !== null && !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
      throw new TypeError("new BrowserSocket(factory, {name}): a name is 1 to 64 letters, digits, '.', '_' or '-'");
    }
    var state = { index: -1, factory: factory, port: undefined, prefix: undefined, name: name,
                  credentialHeaders: !!(options && options.credentialHeaders),
                  requestListeners: new RequestListeners(),
                  publishes: new Map(), // publish id -> {resolve, reject}, until the runtime's published
                  purges: [] };         // {resolve, reject} of purges, answered in order
    this.onerror = null;
    this.onopen = null;
    this.onclose = null;
    this.onpending = null;
    this.onreachability = null;
    /** `function (request) { return Response or a promise of one }` for HTTP requests; `this` is the listener. */
    this.onrequest = null;
    this.ready = new Promise(function (resolve, reject) { settle.resolve = resolve; settle.reject = reject; });
    this.ready.catch(function () {}); // a page that only uses onerror must not see unhandled rejections
    var readyState = CONNECTING;
    Object.defineProperty(this, 'readyState', { enumerable: true, get: function () { return readyState; } });
    Object.defineProperty(this, 'port', { enumerable: true, get: function () { return state.port; } });
    Object.defineProperty(this, 'resourcePrefix', { enumerable: true, get: function () { return state.prefix; } });
    state.opened = function (prefix) {
      if (readyState !== CONNECTING) return;
      if (prefix) state.prefix = prefix; // a named listener's own prefix
      readyState = OPEN;
      settle.resolve(self);
      emit(self, 'open', {});
      if (channel && channel.candidates && channel.candidates.length) state.reachabilityChanged();
    };
    // The runtime named new candidates: tell the page this listener's URLs on them.
    state.reachabilityChanged = function () {
      if (readyState !== OPEN) return; // an opening listener hears of them when it opens
      emit(self, 'reachability', { urls: runtimeUrls(channel && channel.candidates, state.prefix) });
    };
    state.fail = function (reason) {
      if (readyState === CLOSED) return;
      readyState = CLOSED;
      if (channel) channel.listeners.delete(state.index);
      state.endHttp(reason);
      var error = new Error(reason);
      settle.reject(error);
      emit(self, 'error', { message: reason, error: error });
      emit(self, 'close', { reason: reason });
    };
    state.stop = function () {
      if (readyState === CLOSED) return;
      readyState = CLOSED;
      if (channel && channel.listeners.get(state.index) === self) {
        channel.listeners.delete(state.index);
        channel.send({ type: 'unlisten', listener: state.index });
      }
      state.endHttp('the listener stopped');
      settle.reject(new Error('stopped'));
      emit(self, 'close', { reason: 'stopped' });
    };
    // Takes the grant's next prefix and asks the runtime to bind it; false when none is left.
    state.listen = function (grant) {
      if (readyState !== CONNECTING) return true;
      state.port = grant.port;
      grant.listenersOpened = grant.listenersOpened || 0;
      if (grant.listenersOpened >= grant.prefixes.length) return false;
      state.index = grant.listenersOpened++;
      state.prefix = grant.prefixes[state.index];
      var control = channelFor(grant);
      control.listeners.set(state.index, self);
      if (state.name !== null) state.prefix = undefined; // its own prefix comes when it opens
      var listen = { type: 'listen', listener: state.index, credentialHeaders: state.credentialHeaders };
      if (state.name !== null) listen.name = state.name;
      control.send(listen);
      return true;
    };
    // The listener closed: its exchanges end (the runtime ends their clients' side), and what
    // waits for the runtime's answer is told it will not come.
    state.endHttp = function (reason) {
      if (channel) {
        channel.exchanges.forEach(function (x) { if (x.listener === state.index) x.abort(reason); });
      }
      state.publishes.forEach(function (waiting) { waiting.reject(new Error(reason)); });
      state.publishes.clear();
      state.purges.splice(0).forEach(function (waiting) { waiting.reject(new Error(reason)); });
    };
    // An HTTP request: the page's handlers answer it (request-event.js), or the library does.
    state.serve = function (exchange) {
      if (typeof self.onrequest !== 'function' && !state.requestListeners.any()) {
        exchange.answer(426, [['upgrade', 'websocket']], 'this address takes WebSocket connections only');
        return;
      }
      var answered = answerRequest(self, exchange.request);
      state.requestListeners.dispatched();
      if (answered) exchange.respond(answered.answer);
      else exchange.answer(404, [], 'no handler answered');
    };
    state.publish = function (path, response) {
      var control = channel;
      if (readyState !== OPEN || !control) return Promise.reject(new Error('the listener is not open'));
      if (typeof path !== 'string' || path.charAt(0) !== '/') {
        return Promise.reject(new TypeError('publish(path, response): path must start with "/"'));
      }
      if (Object.prototype.toString.call(response) !== '[object Response]') {
        return Promise.reject(new TypeError('publish(path, response): ' + describe(response) + ' is not a Response'));
      }
      if (response.status < 200 || response.status > 599) {
        return Promise.reject(new TypeError('publish(path, response): a response of status ' + response.status + ' cannot be sent'));
      }
      var headers = outgoingHeaders(response);
      // Read whole before the head goes out: a publish cannot be aborted half-sent.
      return response.arrayBuffer().then(function (body) {
        if (readyState !== OPEN || channel !== control) throw new Error('the listener closed');
        var id = control.pageId();
        var answer = new Promise(function (resolve, reject) { state.publishes.set(id, { resolve: resolve, reject: reject }); });
        control.send({ type: 'publish', listener: state.index, id: id, path: path, status: response.status,
                       headers: headers, length: body.byteLength });
        var closed = function () { return readyState !== OPEN; };
        return sendBodyBytes(control, id, new Uint8Array(body), closed).then(function () {
          if (!closed()) control.send(encodeEndFrame(id));
          return answer;
        });
      });
    };
    state.purge = function (path) {
      if (readyState !== OPEN || !channel) return Promise.reject(new Error('the listener is not open'));
      if (path != null && (typeof path !== 'string' || path.charAt(0) !== '/')) {
        return Promise.reject(new TypeError('purge(path): path must start with "/"'));
      }
      var answer = new Promise(function (resolve, reject) { state.purges.push({ resolve: resolve, reject: reject }); });
      channel.send({ type: 'purge', listener: state.index, path: path == null ? null : path });
      return answer;
    };
    // The runtime's answer to a publish (its id) or a purge (id null; purges are answered in order).
    state.published = function (m) {
      var waiting = m.id == null ? state.purges.shift() : state.publishes.get(m.id);
      state.publishes.delete(m.id);
      if (waiting) waiting.resolve({ agents: m.agents, reason: m.reason || '' });
    };
    state.overLimit = function (grant) {
      state.fail('listener limit reached: a page may open ' + grant.prefixes.length + ' listeners');
    };
    internals.set(this, state);

    var known = pageRuntime.known();
    if (known) {
      if (!state.listen(known)) later(state.overLimit, known); // after the page had a chance to set onerror
    } else {
      pageRuntime.grant().then(function (grant) {
        if (!state.listen(grant)) state.overLimit(grant);
      }, function (e) { state.fail(e.message); });
    }
  }

  /** Closes the listener and every connection it accepted; its prefix is never reused. */
  stop() {
    internals.get(this).stop();
  }

  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type === 'request') internals.get(this).requestListeners.add(listener, options);
  }

  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    if (type === 'request') internals.get(this).requestListeners.remove(listener, options);
  }

  /**
   * Hands `response` to the relays that route this listener (its agents), which serve it at
   * `resourcePrefix + path` (path from "/") while the page is away. The body is read whole first.
   * Resolves to `{agents, reason}` when the runtime answers: how many agents took it, and why none
   * did when `agents` is 0. Rejects only when the listener is not open (or closes meanwhile) or
   * the arguments are wrong.
   */
  publish(path, response) {
    return internals.get(this).publish(path, response);
  }

  /**
   * Asks this listener's agents to forget what was published at `path`, or everything without one.
   * Resolves to `{agents, reason}` like `publish()`.
   */
  purge(path) {
    return internals.get(this).purge(path);
  }

  /**
   * Every way other machines can reach this listener, best first: `[{url, kind, family, host, port,
   * secure, detail, confirmed}]`, `kind` one of public, mapped, ipv6, teredo, relay. The runtime's
   * candidates come first (`confirmed: true`, in its order); if address services are configured
   * (`endpoints`, `{ipv4: 'http://…:7050', ipv6: 'http://[…]:7050'}`, default
   * `BrowserSocket.addressServices`) their answers are added: a Teredo address as `teredo`, any
   * other address the runtime did not name as `public` with `confirmed: false`, after the confirmed
   * ones and before the relays. Loopback, link-local and private addresses are never listed.
   * Failed services (and answers left out) are listed in the array's `errors`; rejects only when
   * there is no way in at all.
   */
  reachableUrls(endpoints) {
    var self = this;
    if (this.port === undefined || this.resourcePrefix === undefined) return Promise.reject(new Error('this listener has no address'));
    endpoints = endpoints || BrowserSocket.addressServices || {};
    var services = Object.keys(endpoints).map(function (k) { return endpoints[k]; }).filter(Boolean);
    var confirmed = runtimeUrls(channel && channel.candidates, this.resourcePrefix);
    var errors = [];
    return Promise.all(services.map(function (service) {
      return fetch(service.replace(/\/+$/, '') + '/address', { mode: 'cors', credentials: 'omit', cache: 'no-store' })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (answer) {
          return { ip: answer.ip, version: answer.version, teredo: answer.teredo || null, service: service };
        }, function (e) { errors.push(service + ': ' + e.message); return null; });
    })).then(function (answers) {
      var urls = mergeServiceAnswers(confirmed, answers.filter(Boolean), self.port, self.resourcePrefix, errors);
      if (!urls.length) {
        throw new Error('no way in from other machines: '
          + (channel && channel.candidates ? 'the runtime named no reachable address' : 'the runtime named no candidates')
          + (services.length ? '; ' + errors.join('; ') : '; no address service configured (BrowserSocket.addressServices)'));
      }
      urls.errors = errors;
      return urls;
    });
  }
}

/**
 * Opens a WebSocket to the first of `candidates` that answers, Happy Eyeballs style (see connect.js);
 * the same function as `BrowserSocketConnect.connect` of the standalone browsersocket-connect.js.
 */
BrowserSocket.connect = connect;

/** Default address-service endpoints for `reachableUrls()`, e.g. `{ipv4: 'http://198.51.100.7:7050'}`. */
BrowserSocket.addressServices = null;
BrowserSocket.CONNECTING = CONNECTING;
BrowserSocket.OPEN = OPEN;
BrowserSocket.CLOSED = CLOSED;

// A page that is left must not keep serving: Chromium may keep it alive (frozen, sockets open)
// in the back/forward cache. Closing the control channel closes its listeners; peers see 1001.
if (typeof global.addEventListener === 'function') {
  global.addEventListener('pagehide', function () {
    if (channel) channel.shutDown('the page was left (navigation or tab closed)');
  });
}
