// service-worker.js: the BrowserSocket extension's background. Each 'browsersocket' port from the
// content script is one page session. A session of an allowed origin is carried to the host
// runtime over one shared native-messaging port; a session of any other origin waits (at most
// 120 s) until the user allows or denies its origin in the popup. The page is never trusted: its
// origin is the one Chromium reports for the port, and every message it sends is checked.
'use strict';

var NATIVE_HOST = 'org.browsersocket.runtime';
var INSTALL_HINT = 'is the BrowserSocket host runtime installed for this browser? run: java -jar host-runtime.jar --install-native-host';
var CONSENT_TIMEOUT_MS = 120 * 1000;
var MAX_WAITING_PER_ORIGIN = 8;
var MAX_WAITING_ORIGINS = 32;
var MAX_TEXT_CHARS = 1024 * 1024;
var MAX_BASE64_CHARS = 23000000;
var MAX_BUFFERED_CHARS = 4 * 1024 * 1024; // what a waiting page may send before it is allowed
var KEEPALIVE_MS = 20 * 1000;
var NATIVE_IDLE_MS = 30 * 1000; // the native port is closed this long after its last session ended
var BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

var allowed = new Set();
var allowedLoaded = chrome.storage.local.get('allowed').then(function (items) {
  (Array.isArray(items.allowed) ? items.allowed : []).forEach(function (o) { if (typeof o === 'string') allowed.add(o); });
});
var sessions = new Map();  // s -> session
var waiting = new Map();   // origin -> Set of waiting sessions, in arrival order
var nextSession = 1;
var native = null;         // the shared native port, while open
var nativeIdle = null;
var keepAlive = null;

// ---- page sessions ------------------------------------------------------------------------------

chrome.runtime.onConnect.addListener(function (port) {
  if (port.name !== 'browsersocket' || !port.sender || port.sender.id !== chrome.runtime.id || !port.sender.tab) {
    port.disconnect();
    return;
  }
  var session = {
    s: nextSession++, port: port, origin: originOf(port.sender), url: String(port.sender.url || ''),
    state: 'new', buffer: [], buffered: 0, timer: null, native: null, incoming: null
  };
  sessions.set(session.s, session);
  updateKeepAlive();
  port.onMessage.addListener(function (m) { fromPage(session, m); });
  port.onDisconnect.addListener(function () { pageGone(session); });
  send(session, { open: true });
  if (!/^https?:\/\/[^/]+$/.test(session.origin)) {
    refuse(session, 'the BrowserSocket extension serves only http: and https: pages, not ' + session.origin);
    return;
  }
  allowedLoaded.then(function () {
    if (session.state !== 'new') return;
    if (allowed.has(session.origin)) start(session);
    else wait(session);
  });
});

function originOf(sender) {
  if (typeof sender.origin === 'string' && sender.origin) return sender.origin;
  try { return new URL(sender.url).origin; } catch (e) { return 'null'; }
}

function send(session, message) {
  try { session.port.postMessage(message); } catch (e) { /* the page's port is gone */ }
}

function sendControl(session, message) {
  send(session, { t: JSON.stringify(message) });
}

/** Ends a session from this side: a fatal error frame for the page, then the close. */
function refuse(session, reason) {
  if (session.state === 'closed') return;
  sendControl(session, { type: 'error', listener: null, reason: reason, fatal: true });
  end(session, { code: 1008, reason: 'not allowed' });
}

/** Forgets a session: closes it for the page (if `pageClose`) and for the host runtime (if live). */
function end(session, pageClose, runtimeClose) {
  if (session.state === 'closed') return;
  var wasLive = session.state === 'live';
  unwait(session);
  session.state = 'closed';
  session.buffer = null;
  sessions.delete(session.s);
  if (wasLive && session.native === native && native) {
    postNative({ s: session.s, close: runtimeClose || pageClose || { code: 1001, reason: 'the page went away' } });
  }
  if (pageClose) {
    send(session, { close: pageClose });
    try { session.port.disconnect(); } catch (e) { /* already gone */ }
  }
  updateKeepAlive();
  closeNativeWhenIdle();
}

function pageGone(session) {
  end(session, null, { code: 1001, reason: 'the page went away' });
}

function fromPage(session, m) {
  if (session.state === 'closed') return;
  var problem = malformed(m);
  if (problem) {
    sendControl(session, { type: 'error', listener: null, fatal: true,
      reason: 'the BrowserSocket extension refused a malformed message from the page: ' + problem });
    end(session, { code: 1008, reason: 'malformed message' }, { code: 1008, reason: 'the page sent a malformed message' });
    return;
  }
  if (m.close) {
    end(session, null, { code: m.close.code, reason: m.close.reason });
    try { session.port.disconnect(); } catch (e) { /* already gone */ }
    return;
  }
  if (session.state === 'live') {
    forward(session, m);
    return;
  }
  session.buffered += (typeof m.t === 'string' ? m.t : m.b).length;
  if (session.buffered > MAX_BUFFERED_CHARS) {
    refuse(session, 'the page sent more than ' + MAX_BUFFERED_CHARS + ' characters before ' + session.origin
      + ' was allowed in the BrowserSocket extension');
    return;
  }
  session.buffer.push(m);
}

/** Why `m` is not a message the content script may send, or null if it is one. */
function malformed(m) {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not an object';
  var keys = Object.keys(m);
  if (keys.length !== 1) return 'expected exactly one of t, b, close; got ' + describeKeys(keys);
  switch (keys[0]) {
    case 't':
      if (typeof m.t !== 'string') return 't is not a string';
      if (m.t.length > MAX_TEXT_CHARS) return 'a text frame of ' + m.t.length + ' characters (at most ' + MAX_TEXT_CHARS + ')';
      return null;
    case 'b':
      if (typeof m.b !== 'string') return 'b is not a string';
      if (m.b.length > MAX_BASE64_CHARS) return 'a binary frame of ' + m.b.length + ' base64 characters (at most ' + MAX_BASE64_CHARS + ')';
      if (m.b.length % 4 !== 0 || !BASE64.test(m.b)) return 'b is not base64';
      return null;
    case 'close':
      var c = m.close;
      if (!c || typeof c !== 'object' || Array.isArray(c)) return 'close is not an object';
      if (!Number.isInteger(c.code)) return 'close.code is not an integer';
      if (typeof c.reason !== 'string') return 'close.reason is not a string';
      return null;
    default:
      return 'expected exactly one of t, b, close; got ' + describeKeys(keys);
  }
}

function describeKeys(keys) {
  if (!keys.length) return 'no field';
  return keys.slice(0, 5).map(function (k) { return JSON.stringify(String(k).slice(0, 20)); }).join(', ')
    + (keys.length > 5 ? ' and ' + (keys.length - 5) + ' more' : '');
}

function forward(session, m) {
  if (typeof m.t === 'string') postNative({ s: session.s, t: m.t });
  else postNative({ s: session.s, b: m.b });
}

/** Carries a session to the host runtime and sends what the page sent while it waited. */
function start(session) {
  if (session.state !== 'new' && session.state !== 'waiting') return;
  unwait(session);
  var problem = ensureNative();
  if (problem) {
    session.state = 'closing';
    refuseLive(session, problem);
    return;
  }
  session.state = 'live';
  session.native = native;
  postNative({ s: session.s, open: { origin: session.origin, url: session.url } });
  var buffer = session.buffer;
  session.buffer = null;
  buffer.forEach(function (m) { if (session.state === 'live') forward(session, m); });
}

// ---- consent ------------------------------------------------------------------------------------

function wait(session) {
  var queue = waiting.get(session.origin);
  if (!queue && waiting.size >= MAX_WAITING_ORIGINS) {
    refuse(session, 'the BrowserSocket extension refused ' + session.origin + ': ' + MAX_WAITING_ORIGINS
      + ' sites are already waiting for you to allow them (click its toolbar icon to answer them)');
    return;
  }
  if (queue && queue.size >= MAX_WAITING_PER_ORIGIN) {
    refuse(session, 'the BrowserSocket extension refused this page: ' + MAX_WAITING_PER_ORIGIN + ' pages of '
      + session.origin + ' are already waiting for you to allow the site (click its toolbar icon to answer them)');
    return;
  }
  if (!queue) waiting.set(session.origin, queue = new Set());
  queue.add(session);
  session.state = 'waiting';
  session.timer = setTimeout(function () {
    refuse(session, 'nobody allowed ' + session.origin + ' to accept connections within '
      + (CONSENT_TIMEOUT_MS / 1000) + ' s; to allow it, click the BrowserSocket toolbar icon and choose Allow, then reload the page');
  }, CONSENT_TIMEOUT_MS);
  sendControl(session, { type: 'pending', listener: null,
    reason: session.origin + ' is waiting for you to allow it in the BrowserSocket extension (click its toolbar icon)' });
  stateChanged();
}

function unwait(session) {
  if (session.timer) clearTimeout(session.timer);
  session.timer = null;
  var queue = waiting.get(session.origin);
  if (queue && queue.delete(session)) {
    if (!queue.size) waiting.delete(session.origin);
    stateChanged();
  }
}

function decide(origin, decision) {
  var queue = Array.from(waiting.get(origin) || []);
  if (decision === 'allow') {
    return allow(origin);
  } else if (decision === 'once') {
    queue.forEach(start);
  } else {
    queue.forEach(function (session) {
      refuse(session, 'you denied ' + origin + ' in the BrowserSocket extension, so this page may not accept connections;'
        + ' to allow it, click the BrowserSocket toolbar icon (or choose Allow when the page asks again)');
    });
  }
  return Promise.resolve();
}

function allow(origin) {
  return allowedLoaded.then(function () {
    allowed.add(origin);
    return saveAllowed();
  }).then(function () {
    Array.from(waiting.get(origin) || []).forEach(start);
    stateChanged();
  });
}

function revoke(origin) {
  return allowedLoaded.then(function () {
    allowed.delete(origin);
    return saveAllowed();
  }).then(function () {
    sessions.forEach(function (session) {
      if (session.origin !== origin || session.state !== 'live') return;
      sendControl(session, { type: 'error', listener: null, fatal: true,
        reason: 'permission for ' + origin + ' was revoked in the BrowserSocket extension, so this page no longer accepts connections;'
          + ' to allow it again, click the BrowserSocket toolbar icon' });
      end(session, { code: 1008, reason: 'not allowed' }, { code: 1008, reason: 'permission revoked' });
    });
    stateChanged();
  });
}

function saveAllowed() {
  return chrome.storage.local.set({ allowed: Array.from(allowed).sort() });
}

chrome.storage.onChanged.addListener(function (changes, area) {
  if (area !== 'local' || !changes.allowed) return;
  allowedLoaded.then(function () {
    allowed = new Set((Array.isArray(changes.allowed.newValue) ? changes.allowed.newValue : [])
      .filter(function (o) { return typeof o === 'string'; }));
    stateChanged();
  });
});

function state() {
  return {
    pending: Array.from(waiting, function (entry) { return { origin: entry[0], waiting: entry[1].size }; }),
    allowed: Array.from(allowed).sort()
  };
}

function stateChanged() {
  var count = 0;
  waiting.forEach(function (queue) { count += queue.size; });
  chrome.action.setBadgeText({ text: count ? String(count) : '' }).catch(function () {});
  chrome.action.setBadgeBackgroundColor({ color: '#c0392b' }).catch(function () {});
  chrome.runtime.sendMessage({ type: 'changed' }).catch(function () {}); // an open popup refreshes
}

// ---- the popup ----------------------------------------------------------------------------------

function validOrigin(origin) {
  if (typeof origin !== 'string') return false;
  try {
    var url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
  } catch (e) {
    return false;
  }
}

chrome.runtime.onMessage.addListener(function (m, sender, reply) {
  var popup = chrome.runtime.getURL('popup.html');
  if (!sender || sender.id !== chrome.runtime.id || typeof sender.url !== 'string' || sender.url.indexOf(popup) !== 0) return false;
  if (!m || typeof m !== 'object') return false;
  var done;
  if (m.type === 'state') {
    done = allowedLoaded.then(state);
  } else if (m.type === 'decide' && validOrigin(m.origin) && ['allow', 'once', 'deny'].indexOf(m.decision) >= 0) {
    done = decide(m.origin, m.decision).then(state);
  } else if (m.type === 'allow' && validOrigin(m.origin)) {
    done = allow(m.origin).then(state);
  } else if (m.type === 'revoke' && validOrigin(m.origin)) {
    done = revoke(m.origin).then(state);
  } else {
    reply({ error: 'not a request the BrowserSocket extension understands' });
    return false;
  }
  done.then(reply, function (e) { reply({ error: String(e && e.message || e) }); });
  return true;
});

// ---- the host runtime (native messaging) ----------------------------------------------------------

/** Opens the shared native port if it is not open; returns null, or why it cannot be opened. */
function ensureNative() {
  if (nativeIdle) clearTimeout(nativeIdle);
  nativeIdle = null;
  if (native) return null;
  var port;
  try {
    port = chrome.runtime.connectNative(NATIVE_HOST);
  } catch (e) {
    return lostRuntime((e && e.message) || String(e));
  }
  native = port;
  port.onMessage.addListener(function (m) { fromNative(port, m); });
  port.onDisconnect.addListener(function () {
    var error = chrome.runtime.lastError;
    nativeFailed(port, (error && error.message) || 'the host runtime closed the native-messaging channel');
  });
  return null;
}

/** Closes the native port once no session has used it for NATIVE_IDLE_MS (the worker may then stop). */
function closeNativeWhenIdle() {
  if (!native || nativeIdle) return;
  nativeIdle = setTimeout(function () {
    nativeIdle = null;
    var used = false;
    sessions.forEach(function (session) { if (session.state === 'live') used = true; });
    if (used || !native) return;
    var port = native;
    native = null;
    port.disconnect();
  }, NATIVE_IDLE_MS);
}

function lostRuntime(message) {
  return 'the BrowserSocket extension lost its host runtime (' + String(message).replace(/\.$/, '') + '): ' + INSTALL_HINT;
}

function postNative(message) {
  try {
    native.postMessage(message);
  } catch (e) {
    nativeFailed(native, (e && e.message) || String(e));
  }
}

function nativeFailed(port, message) {
  if (port !== native) return;
  native = null;
  if (nativeIdle) clearTimeout(nativeIdle);
  nativeIdle = null;
  var reason = lostRuntime(message);
  sessions.forEach(function (session) {
    if (session.state === 'live' && session.native === port) {
      session.native = null;
      refuseLive(session, reason);
    }
  });
}

function refuseLive(session, reason) {
  sendControl(session, { type: 'error', listener: null, reason: reason, fatal: true });
  session.state = 'closing'; // not live: end() must not write to the native port that failed
  end(session, { code: 1011, reason: 'host runtime unavailable' });
}

function fromNative(port, m) {
  if (port !== native || !m || typeof m !== 'object') return;
  if (typeof m.error === 'string' && m.s === undefined) { // a message the host could not take
    console.warn('BrowserSocket native host: ' + m.error);
    return;
  }
  var session = sessions.get(m.s);
  if (!session || session.state !== 'live' || session.native !== port) return;
  if (m.close && typeof m.close === 'object') {
    session.state = 'closing'; // the runtime closed it: nothing to tell the runtime
    end(session, { code: Number.isInteger(m.close.code) ? m.close.code : 1000,
      reason: typeof m.close.reason === 'string' ? m.close.reason : '' });
    return;
  }
  var kind = typeof m.t === 'string' ? 't' : typeof m.b === 'string' ? 'b' : null;
  if (!kind) return; // {"opened": true} and anything this version does not know
  var piece = m[kind];
  if (session.incoming && session.incoming.kind !== kind) session.incoming = null; // a broken frame: dropped
  if (session.incoming) {
    session.incoming.parts.push(piece);
  } else if (m.more === true) {
    session.incoming = { kind: kind, parts: [piece] };
  }
  if (m.more === true) return;
  var whole = session.incoming ? session.incoming.parts.join('') : piece;
  session.incoming = null;
  var frame = {};
  frame[kind] = whole;
  send(session, frame);
}

// ---- keeping the worker alive ---------------------------------------------------------------------
// An open native port keeps an MV3 service worker alive; a session that waits for consent has none,
// so while any session is open an extension API call every 20 s resets the worker's idle timer.

function updateKeepAlive() {
  if (sessions.size && !keepAlive) {
    keepAlive = setInterval(function () { chrome.runtime.getPlatformInfo().catch(function () {}); }, KEEPALIVE_MS);
  } else if (!sessions.size && keepAlive) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

stateChanged();
