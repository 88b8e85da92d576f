// The site's own copy of the library (the npm package): it asks the runtime on this device for a
// grant, and says in plain words why it cannot (Local Network Access permission refused, page
// not a secure context, no runtime running).

var DEFAULT_RUNTIME = 'http://127.0.0.1:7040';
var LOOPBACK_PERMISSION = 'loopback-network';
var scriptRuntime = typeof document !== 'undefined' && document.currentScript
  && document.currentScript.dataset && document.currentScript.dataset.runtime;
var granted = null;        // the grant, once the runtime gave one
var grantRequest = null;   // the one request for it

/** The runtime this copy talks to: `BrowserSocket.runtime`, the script tag's `data-runtime`, or the default. */
function runtimeBase() {
  return String(BrowserSocket.runtime || scriptRuntime || DEFAULT_RUNTIME).replace(/\/+$/, '');
}

/** The state of the Local Network Access permission for loopback: granted, denied, prompt or unknown. */
function loopbackPermission() {
  if (!global.navigator || !navigator.permissions || !navigator.permissions.query) return Promise.resolve('unknown');
  return navigator.permissions.query({ name: LOOPBACK_PERMISSION })
    .then(function (status) { return status.state; }, function () { return 'unknown'; });
}

function isLoopbackPage() {
  var host = global.location ? location.hostname : '';
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Why the runtime could not be reached, in words the page can show its user. */
function explainUnreachable(base, timedOut) {
  return loopbackPermission().then(function (state) {
    var origin = global.location ? location.origin : 'this site';
    if (!global.isSecureContext && !isLoopbackPage()) {
      return 'this page is not a secure context (http): browsers let only https pages be granted the "'
        + LOOPBACK_PERMISSION + '" permission that reaching the BrowserSocket runtime at ' + base
        + ' needs. Serve the page over https, or use the BrowserSocket extension.';
    }
    if (state === 'denied') {
      return 'the browser does not let ' + origin + ' reach apps on this device: allow its "' + LOOPBACK_PERMISSION
        + '" permission (Local Network Access; "Apps on this device" in the site settings, the icon left of the'
        + ' address bar) and reload the page. The BrowserSocket runtime is at ' + base + '.';
    }
    if (timedOut && state === 'prompt') {
      return 'nobody allowed ' + origin + ' to reach apps on this device: the browser\'s "' + LOOPBACK_PERMISSION
        + '" prompt went unanswered for ' + Math.round(BrowserSocket.connectTimeout / 1000) + ' s.';
    }
    if (timedOut) return 'the BrowserSocket runtime at ' + base + ' did not answer within ' + Math.round(BrowserSocket.connectTimeout / 1000) + ' s.';
    return 'no BrowserSocket host runtime answered at ' + base + ': start it on this device'
      + ' (java -jar host-runtime.jar, or make run).';
  });
}

function requestGrant() {
  var base = runtimeBase();
  var controller = typeof AbortController === 'function' ? new AbortController() : null;
  var timedOut = false;
  var timer = setTimeout(function () { timedOut = true; if (controller) controller.abort(); }, BrowserSocket.connectTimeout);
  return fetch(base + '/grant', { mode: 'cors', credentials: 'omit', cache: 'no-store',
                                  signal: controller && controller.signal, targetAddressSpace: 'loopback' })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(function (grant) {
      clearTimeout(timer);
      granted = grant;
      return grant;
    }, function () {
      clearTimeout(timer);
      return explainUnreachable(base, timedOut).then(function (reason) {
        grantRequest = null; // a later listener may try again (say, after the user allowed the site)
        throw new Error(reason);
      });
    });
}

var pageRuntime = {
  known: function () { return granted; },
  grant: function () { return grantRequest || (grantRequest = requestGrant()); },
  connect: function (grant) { return new WebSocket(grant.control); },
  hello: function (grant) { return { type: 'hello', token: grant.token }; },
  explainClose: function (event, everOpened) {
    return everOpened ? 'the host runtime closed the control channel (code ' + event.code + ')'
      : explainUnreachable(runtimeBase(), false);
  },
  channelClosed: function (closed) {
    channelGone(closed);
    granted = null; // its token is spent: the next listener asks for a new grant
    grantRequest = null;
  }
};

/** Where this BrowserSocket comes from: 'site' here ('runtime' or 'extension' in the others). */
BrowserSocket.provider = 'site';
/** The host runtime this copy of the library talks to; set it before the first listener. */
BrowserSocket.runtime = null;
/** How long to wait for the runtime (and the browser's permission prompt), in milliseconds. */
BrowserSocket.connectTimeout = 30000;
