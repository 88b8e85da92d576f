// unite-webserver.js: Opera Unite's opera.io.webserver on a BrowserSocket listener. The listener's
// prefix is the service path; a request's event name is the first path segment after it ('_index'
// for the service root), whose handlers run first, then those of '_request' (every request).

var lastUniteConnectionId = 0;

/** A Unite connection (`e.connection`): one request, its response, and who made it. */
function UniteConnection(request, body, form) {
  this.id = ++lastUniteConnectionId;
  this.request = new UniteRequest(request, body, form);
  this.request.connection = this;
  this.response = new UniteResponse(this);
  /** Unite's owner was the browser's own admin pages; here nobody is. */
  this.isOwner = false;
  /** Whether the client is on this machine (a loopback address). */
  this.isLocal = /^(127\.|::1$|::ffff:127\.)/i.test(this.request.ip);
  this.isProxied = false;
  this.closed = false;
}

/**
 * `opera.io.webserver` over `listener` (a BrowserSocket), which from now on answers its HTTP
 * requests: `addEventListener(name, handler, useCapture)`, `removeEventListener`,
 * `currentServicePath`, `port`.
 */
function UniteWebServer(listener) {
  var self = this;
  var handlers = new Map(); // event name -> [{handler, capture}]

  /** Calls `handler(event)` for requests named `name` (the first path segment; '_index', '_request'). */
  this.addEventListener = function (name, handler, useCapture) {
    if (typeof handler !== 'function') return;
    name = String(name);
    var list = handlers.get(name) || [];
    if (!list.some(function (e) { return e.handler === handler && e.capture === !!useCapture; })) {
      list.push({ handler: handler, capture: !!useCapture });
    }
    handlers.set(name, list);
  };

  this.removeEventListener = function (name, handler, useCapture) {
    var list = handlers.get(String(name)) || [];
    handlers.set(String(name), list.filter(function (e) { return e.handler !== handler || e.capture !== !!useCapture; }));
  };

  /** The service's path: the listener's resource prefix, with its leading and trailing slash. */
  Object.defineProperty(this, 'currentServicePath', { enumerable: true, get: function () { return listener.resourcePrefix; } });
  /** The port the runtime serves this page on. */
  Object.defineProperty(this, 'port', { enumerable: true, get: function () { return listener.port; } });
  /** The BrowserSocket listener beneath (its `ready`, `reachableUrls()`…). */
  Object.defineProperty(this, 'browserSocket', { enumerable: true, value: listener });

  function handlersOf(name) {
    return (handlers.get(name) || []).slice();
  }

  listener.onrequest = function (request) {
    var segment = request.path.split('?')[0].slice(1).split('/')[0];
    try { segment = decodeURIComponent(segment); } catch (e) { /* left as it came */ }
    var name = segment === '' ? '_index' : segment;
    // Names starting with '_' are Unite's own: a path cannot name them.
    var chosen = (segment === '' || segment.charAt(0) !== '_' ? handlersOf(name) : []).concat(handlersOf('_request'));
    if (!chosen.length) return plainResponse(404, 'nothing here: no handler for "' + name + '"');
    return readUniteBody(request).then(function (body) {
      if (body.tooLarge) return plainResponse(413, 'request body over ' + MAX_UNITE_BODY + ' bytes');
      return uniteForm(request.headers.get('content-type'), body.bytes).then(function (form) {
        if (!form) return plainResponse(400, 'malformed multipart/form-data body');
        return dispatch(name, chosen, new UniteConnection(request, body.bytes, form), request);
      });
    });
  };

  // Runs the handlers; the answer is the response they write, once its head is fixed.
  function dispatch(name, chosen, connection, request) {
    request.signal.addEventListener('abort', function () { connection.closed = true; connection.response.closed = true; });
    var event = { type: name, id: connection.id, connection: connection };
    var failures = [];
    chosen.forEach(function (entry) {
      try { entry.handler.call(self, event); } catch (e) { failures.push(e); }
    });
    if (failures.length === chosen.length && !uniteResponseCommitted(connection.response)) {
      failures.slice(1).forEach(reportError);
      throw failures[0]; // reported, and answered 500, by the exchange
    }
    failures.forEach(reportError);
    return uniteResponseOf(connection.response);
  }
}

function plainResponse(status, text) {
  return new Response(text, { status: status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
