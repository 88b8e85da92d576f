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
 */
class BrowserSocket extends EventTarget {
  /**
   * `options.credentialHeaders`: let `onhandshake` see peers' Cookie and Authorization headers
   * (withheld by default: they carry the peer's credentials for this host, not for the page).
   */
  constructor(factory, options) {
    super();
    if (typeof factory !== 'function') throw new TypeError('new BrowserSocket(factory): factory must be a function');
    var self = this;
    var settle = {};
    var state = { index: -1, factory: factory, port: undefined, prefix: undefined,
                  credentialHeaders: !!(options && options.credentialHeaders) };
    this.onerror = null;
    this.onopen = null;
    this.onclose = null;
    this.onpending = null;
    this.ready = new Promise(function (resolve, reject) { settle.resolve = resolve; settle.reject = reject; });
    this.ready.catch(function () {}); // a page that only uses onerror must not see unhandled rejections
    var readyState = CONNECTING;
    Object.defineProperty(this, 'readyState', { enumerable: true, get: function () { return readyState; } });
    Object.defineProperty(this, 'port', { enumerable: true, get: function () { return state.port; } });
    Object.defineProperty(this, 'resourcePrefix', { enumerable: true, get: function () { return state.prefix; } });
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
      if (channel && channel.listeners.get(state.index) === self) {
        channel.listeners.delete(state.index);
        channel.send({ type: 'unlisten', listener: state.index });
      }
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
      control.send({ type: 'listen', listener: state.index, credentialHeaders: state.credentialHeaders });
      return true;
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
