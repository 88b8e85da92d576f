// connect.js: a peer's side of a listener's many ways in. Happy Eyeballs in the spirit of RFC 8305:
// the candidates are tried best first with staggered starts, so a dead or slow way in costs at
// most a stagger, not a full connection timeout; the first to open wins and the others are closed.

var DEFAULT_STAGGER_MS = 250;
var DEFAULT_TIMEOUT_MS = 10000;

/**
 * Opens a WebSocket to the first of `candidates` that answers. `candidates` are URLs or objects
 * with a `url` (such as `reachableUrls()` gives), best first; `protocols` is passed to each
 * `new WebSocket(url, protocols)`. `options.stagger` (ms, default 250): how long an attempt has
 * before the next starts (a failed attempt starts the next at once); `options.timeout` (ms, default
 * 10000): when to give up; `options.signal`: an AbortSignal that cancels.
 * Resolves to the open WebSocket, its `candidate` telling which one won; every other attempt is
 * closed (1000) or aborted. Rejects with an AggregateError whose `errors` say, per candidate, why
 * it failed (each error has `url` and `candidate`).
 */
function connect(candidates, protocols, options) {
  options = options || {};
  var stagger = options.stagger == null ? DEFAULT_STAGGER_MS : Number(options.stagger);
  var timeout = options.timeout == null ? DEFAULT_TIMEOUT_MS : Number(options.timeout);
  var list = Array.prototype.slice.call(candidates || []).map(function (c) {
    return typeof c === 'string' ? { url: c } : c;
  });
  return new Promise(function (resolve, reject) {
    if (!list.length || list.some(function (c) { return !c || typeof c.url !== 'string'; })) {
      reject(new TypeError('connect(candidates): give URLs or objects with a url, at least one'));
      return;
    }
    var attempts = [];     // one per started candidate: {candidate, socket, failure}
    var settled = false;
    var staggerTimer = null;
    var started = Date.now();

    function elapsed() { return Date.now() - started; }

    function finish() {
      settled = true;
      clearTimeout(staggerTimer);
      clearTimeout(deadline);
      if (options.signal) options.signal.removeEventListener('abort', onAbort);
    }

    function closeLoser(attempt) {
      attempt.detach();
      // Closing a socket still connecting aborts its handshake; an open one gets a normal close.
      try { attempt.socket.close(1000, 'another candidate won'); } catch (e) { /* already closing */ }
    }

    function failAll(message) {
      finish();
      attempts.forEach(function (a) {
        if (!a.failure) {
          a.failure = message;
          closeLoser(a);
        }
      });
      var errors = list.map(function (candidate, i) {
        var failure = attempts[i] ? attempts[i].failure : 'not tried: ' + message;
        var error = new Error(candidate.url + ': ' + failure);
        error.url = candidate.url;
        error.candidate = candidate;
        return error;
      });
      var summary = 'no candidate opened (' + errors.map(function (e) { return e.message; }).join('; ') + ')';
      reject(typeof AggregateError === 'function' ? new AggregateError(errors, summary)
        : Object.assign(new Error(summary), { errors: errors }));
    }

    function startNext() {
      clearTimeout(staggerTimer);
      if (settled) return;
      if (attempts.length === list.length) {
        if (attempts.every(function (a) { return a.failure; })) failAll('every candidate failed');
        return;
      }
      var attempt = start(list[attempts.length]);
      attempts.push(attempt);
      if (attempt.failure) startNext();
      else staggerTimer = setTimeout(startNext, stagger);
    }

    function start(candidate) {
      var attempt = { candidate: candidate, socket: null, failure: null, detach: function () {} };
      try {
        attempt.socket = protocols === undefined ? new WebSocket(candidate.url) : new WebSocket(candidate.url, protocols);
      } catch (e) {
        attempt.failure = 'cannot connect: ' + e.message;
        return attempt;
      }
      var socket = attempt.socket;
      function onOpen() {
        if (settled) return; // closed as a loser already
        finish();
        attempt.detach();
        attempts.forEach(function (other) { if (other !== attempt && !other.failure) closeLoser(other); });
        socket.candidate = candidate;
        resolve(socket);
      }
      function onGone(event) {
        if (attempt.failure || settled) return;
        attempt.detach();
        // Browsers tell a page nothing about why a WebSocket failed (no code, no reason beyond 1006).
        attempt.failure = 'closed before opening' + (event.code ? ' (code ' + event.code + ')' : '')
          + ' after ' + elapsed() + ' ms';
        startNext(); // do not wait out the stagger: the next candidate starts now
      }
      // A failed WebSocket fires error, then close: close alone says it all (and has the code).
      socket.addEventListener('open', onOpen);
      socket.addEventListener('close', onGone);
      attempt.detach = function () {
        socket.removeEventListener('open', onOpen);
        socket.removeEventListener('close', onGone);
      };
      return attempt;
    }

    function onAbort() {
      if (settled) return;
      failAll('cancelled');
    }

    var deadline = setTimeout(function () { failAll('no candidate opened within ' + timeout + ' ms'); }, timeout);
    if (options.signal) {
      if (options.signal.aborted) { failAll('cancelled'); return; }
      options.signal.addEventListener('abort', onAbort);
    }
    startNext();
  });
}

/** The helper under the name pages use where only the standalone script is loaded. */
var BrowserSocketConnect = { connect: connect };
