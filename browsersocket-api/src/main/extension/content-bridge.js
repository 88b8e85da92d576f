// content-bridge.js: the BrowserSocket extension's content script (isolated world). The page's
// script (page-api.js, in the page's own world) posts {browsersocket: 'connect'} to its window
// with one end of a MessageChannel; this script carries that channel to the service worker over
// a runtime port: text frames as {t}, binary frames as {b: base64}, the close as {close}.
// The page is not trusted: a message of another shape on the channel closes it with the reason,
// and nothing the page posts may make this script throw.
(function () {
  'use strict';

  var GONE = 'the BrowserSocket extension went away';
  var CHUNK = 0x8000; // bytes per String.fromCharCode call

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var parts = [];
    for (var i = 0; i < bytes.length; i += CHUNK) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK)));
    }
    return btoa(parts.join(''));
  }

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function bridge(pagePort) {
    var closed = false;
    var worker;

    function closePage(code, reason) {
      if (closed) return;
      closed = true;
      try { pagePort.postMessage({ kind: 'close', code: code, reason: reason }); } catch (e) { /* page gone */ }
      pagePort.close();
      try { if (worker) worker.disconnect(); } catch (e) { /* already gone */ }
    }

    try {
      worker = chrome.runtime.connect({ name: 'browsersocket' });
    } catch (e) { // the extension was reloaded or removed under this page
      closePage(1006, (e && e.message) || GONE);
      return;
    }

    worker.onMessage.addListener(function (m) {
      if (closed || !m || typeof m !== 'object') return;
      try {
        if (m.open === true) {
          pagePort.postMessage({ kind: 'open' });
        } else if (typeof m.t === 'string') {
          pagePort.postMessage({ kind: 'text', data: m.t });
        } else if (typeof m.b === 'string') {
          var buffer = fromBase64(m.b);
          pagePort.postMessage({ kind: 'binary', data: buffer }, [buffer]);
        } else if (m.close && typeof m.close === 'object') {
          closePage(m.close.code, m.close.reason);
        }
      } catch (e) {
        closePage(1011, 'the BrowserSocket extension could not relay a message: ' + e);
      }
    });

    worker.onDisconnect.addListener(function () {
      var error = chrome.runtime.lastError;
      closePage(1006, (error && error.message) || GONE);
    });

    pagePort.onmessage = function (event) {
      if (closed) return;
      var m = event.data;
      var problem = shapeProblem(m);
      if (problem) {
        closePage(1008, 'the BrowserSocket extension refused a malformed message from the page: ' + problem);
        return;
      }
      try {
        if (m.kind === 'text' && typeof m.data === 'string') {
          worker.postMessage({ t: m.data });
        } else if (m.kind === 'binary' && m.data instanceof ArrayBuffer) {
          worker.postMessage({ b: toBase64(m.data) });
        } else if (m.kind === 'close') {
          var code = Number.isInteger(m.code) ? m.code : 1000;
          var reason = typeof m.reason === 'string' ? m.reason : '';
          worker.postMessage({ close: { code: code, reason: reason } });
          closed = true;
          pagePort.close();
          worker.disconnect();
        }
      } catch (e) { // the worker's port is gone: its onDisconnect tells the page
      }
    };
  }

  /** What is wrong with a message from the page, or null when it has one of the three shapes. */
  function shapeProblem(m) {
    if (!m || typeof m !== 'object') return 'not an object';
    if (m.kind === 'text') return typeof m.data === 'string' ? null : 'a text message whose data is not a string';
    if (m.kind === 'binary') return m.data instanceof ArrayBuffer ? null : 'a binary message whose data is not an ArrayBuffer';
    if (m.kind === 'close') return null;
    return 'unknown kind ' + JSON.stringify(String(m.kind)).slice(0, 40);
  }

  window.addEventListener('message', function (event) {
    try {
      if (event.source !== window) return;
      var data = event.data;
      if (!data || typeof data !== 'object' || data.browsersocket !== 'connect') return;
      var port = event.ports && event.ports[0];
      if (!port) return;
      bridge(port);
    } catch (e) { /* malformed: ignored */ }
  });
})();
