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
    this.onreachability = null;
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
