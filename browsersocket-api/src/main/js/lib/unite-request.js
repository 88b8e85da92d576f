// unite-request.js: Opera Unite's WebServerRequest, made from a BrowserSocket Request whose body
// was read whole (Unite handlers read form fields synchronously).

var MAX_UNITE_BODY = 1024 * 1024; // a body past this is refused (413) rather than held in memory

/**
 * Reads `request`'s body whole: `{bytes}` (null without a body), or `{tooLarge: true}` past 1 MiB
 * (by its Content-Length or as it arrives; the rest is not read).
 */
function readUniteBody(request) {
  if (!request.body) return Promise.resolve({ bytes: null });
  var declared = request.headers.get('content-length');
  if (declared != null && Number(declared) > MAX_UNITE_BODY) {
    request.body.cancel().catch(function () {});
    return Promise.resolve({ tooLarge: true });
  }
  var reader = request.body.getReader(), chunks = [], total = 0;
  function next() {
    return reader.read().then(function (result) {
      if (result.done) {
        var bytes = new Uint8Array(total), at = 0;
        chunks.forEach(function (c) { bytes.set(c, at); at += c.length; });
        return { bytes: bytes };
      }
      total += result.value.length;
      if (total > MAX_UNITE_BODY) {
        reader.cancel().catch(function () {});
        return { tooLarge: true };
      }
      chunks.push(result.value);
      return next();
    });
  }
  return next();
}

/**
 * The form fields of a body (`application/x-www-form-urlencoded` or `multipart/form-data`, by its
 * `contentType`): `{items, files}`, items name -> array of values, files an array of File. Resolves
 * to null when a multipart body cannot be parsed.
 */
function uniteForm(contentType, bytes) {
  var type = String(contentType || '').split(';')[0].trim().toLowerCase();
  if (!bytes || !bytes.length) return Promise.resolve({ items: itemsOf([]), files: [] });
  if (type === 'application/x-www-form-urlencoded') {
    return Promise.resolve({ items: itemsOf(new URLSearchParams(decoder.decode(bytes))), files: [] });
  }
  if (type !== 'multipart/form-data') return Promise.resolve({ items: itemsOf([]), files: [] });
  // The browser's own multipart parser, the one Response.formData() uses.
  return new Response(bytes, { headers: { 'content-type': contentType } }).formData().then(function (form) {
    var fields = [], files = [];
    form.forEach(function (value, name) {
      if (typeof value === 'string') fields.push([name, value]);
      else files.push(value);
    });
    return { items: itemsOf(fields), files: files };
  }, function () { return null; });
}

/** `[name, value]` pairs as Unite's items: an object, name -> array of values in order. */
function itemsOf(pairs) {
  var items = {};
  Array.from(pairs).forEach(function (pair) {
    var name = pair[0];
    // defineProperty, so that a name like __proto__ is an item like any other
    if (!Object.prototype.hasOwnProperty.call(items, name)) {
      Object.defineProperty(items, name, { value: [], enumerable: true, writable: true, configurable: true });
    }
    items[name].push(pair[1]);
  });
  return items;
}

/**
 * A request as Unite handlers see it (`e.connection.request`). `request` is the listener's Request,
 * `body` its body's bytes (or null), `form` its form fields (uniteForm).
 */
function UniteRequest(request, body, form) {
  var details = requestDetails.get(request);
  var query = details.resource.indexOf('?') >= 0 ? details.resource.slice(details.resource.indexOf('?') + 1) : '';
  var headers = itemsOf(details.headers.map(function (h) { return [String(h[0]).toLowerCase(), h[1]]; }));
  this.connection = null;
  /** The method as the client sent it. */
  this.method = request.method;
  /** Path and query as requested, starting with the service path (the listener's prefix). */
  this.uri = details.resource;
  /** Request headers: lower-case name -> array of values, repeats kept. */
  this.headers = headers;
  /** Query items: name -> array of values. */
  this.queryItems = itemsOf(new URLSearchParams(query));
  /** Form fields of the body (urlencoded or multipart): name -> array of values. */
  this.bodyItems = form.items;
  /** Files of a multipart body, as File objects. */
  this.files = form.files;
  /** The body as text (UTF-8), or null without one. */
  this.body = body ? decoder.decode(body) : null;
  /** The client's address (without its port). */
  this.ip = request.remoteAddress.replace(/^\[([^\]]*)\](:\d+)?$/, '$1').replace(/^([^:]*):\d+$/, '$1');
  /** The Host header's value. */
  this.host = headers.host ? headers.host[0] : '';
  /** 'http' or 'https'. */
  this.protocol = request.url.split(':')[0];
}

/** The values of request header `name` (any case), as an array, or null without any. */
UniteRequest.prototype.getRequestHeader = function (name) {
  var values = Object.prototype.hasOwnProperty.call(this.headers, String(name).toLowerCase())
    ? this.headers[String(name).toLowerCase()] : null;
  return values ? values.slice() : null;
};

/**
 * The values of item `name`: from the query, the body, or (without `method`) both; 'GET' for the
 * query's only, 'POST' for the body's. Null without any.
 */
UniteRequest.prototype.getItem = function (name, method) {
  var own = function (items) { return Object.prototype.hasOwnProperty.call(items, name) ? items[name] : []; };
  method = method ? String(method).toUpperCase() : '';
  var values = (method === 'POST' ? [] : own(this.queryItems)).concat(method === 'GET' ? [] : own(this.bodyItems));
  return values.length ? values : null;
};
