// swarm-server.js: a page serves the verified files it holds to other peers through its own
// BrowserSocket listener, at `<prefix>v<version>/<path>`, and nothing else: only paths of a
// manifest it verified, only bytes from the verified store. Limits: requests served at once
// (`maxPeers`) and upload bytes per second; a peer over them is answered 503 and asks someone else.

/** Serves `swarm`'s verified files on a new listener; `ready` resolves to the listener's http URLs. */
class SwarmServer {
  constructor(swarm, options) {
    var self = this;
    this.swarm = swarm;
    this.maxPeers = options.maxPeers;
    this.budget = new UploadBudget(options.uploadBytesPerSecond);
    this.serving = 0;
    var Listener = options.BrowserSocket || global.BrowserSocket;
    if (typeof Listener !== 'function') {
      throw new SwarmError('serving peers needs BrowserSocket: load browsersocket.js before the swarm, or pass options.BrowserSocket');
    }
    this.listener = new Listener(function () {
      return { onhandshake: function (request, response) { response.reject(404, 'this listener serves files only'); } };
    });
    this.listener.onrequest = function (request) { return self.answer(request); };
    this.ready = this.listener.ready.then(function (bs) {
      if (options.urls) return options.urls(bs);
      var loopback = 'http://127.0.0.1:' + bs.port + bs.resourcePrefix;
      return bs.reachableUrls().then(function (found) {
        return found.map(function (u) { return u.url.replace(/^ws/, 'http'); }).concat([loopback]);
      }, function () { return [loopback]; });
    });
  }

  /** The answer to a peer's request: a verified file (or its range), 404, 405 or 503. */
  answer(request) {
    var cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Range', 'Cache-Control': 'no-store' };
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'only GET and HEAD', cors);
    var m = /^\/v(\d{1,16})\/([^?#]+)/.exec(request.path);
    var manifest = m && this.swarm._manifestOf(Number(m[1]));
    var file = manifest && manifest.byPath.get(m[2]);
    if (!file) return plain(404, 'not a file of a version this peer holds', cors);
    if (this.serving >= this.maxPeers) return plain(503, 'serving ' + this.serving + ' peers already', withRetry(cors));
    var range = byteRangeOf(request.headers.get('range'), file.size);
    if (range && range.unsatisfiable) return plain(416, 'no such bytes', Object.assign({ 'Content-Range': 'bytes */' + file.size }, cors));
    var length = range ? range.end - range.start + 1 : file.size;
    if (!this.budget.take(length)) return plain(503, 'upload limit reached', withRetry(cors));
    var self = this, stats = this.swarm.stats;
    this.serving++;
    // A range is a view of the held bytes: the rest of the file is not copied.
    return this.swarm.store.bytes(manifest.version, file.path).then(function (body) {
      if (!body) return plain(404, 'this peer does not hold ' + file.path + ' yet', cors);
      stats.served += request.method === 'HEAD' ? 0 : length;
      self.swarm._changed();
      var headers = Object.assign({ 'Content-Type': file.type, 'Content-Length': String(length) }, cors);
      if (!range) return new Response(body, { status: 200, headers: headers });
      headers['Content-Range'] = 'bytes ' + range.start + '-' + range.end + '/' + file.size;
      return new Response(body.subarray(range.start, range.end + 1), { status: 206, headers: headers });
    }).finally(function () { self.serving--; });
  }

  stop() {
    this.listener.stop();
  }
}

/** A token bucket of upload bytes: `bytesPerSecond` (0: no limit), with up to one second saved. */
class UploadBudget {
  constructor(bytesPerSecond) {
    this.rate = bytesPerSecond || 0;
    this.tokens = this.rate;
    this.at = Date.now();
  }

  take(bytes) {
    if (!this.rate) return true;
    var now = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + (now - this.at) * this.rate / 1000);
    this.at = now;
    if (this.tokens < bytes && this.tokens < this.rate) return false; // a piece larger than a second's budget waits for a full bucket
    this.tokens -= bytes;
    return true;
  }
}

/**
 * The single range `bytes=a-b` (or `bytes=a-`) of a body of `size` bytes that `header` asks for:
 * `{start, end}` (inclusive), `{unsatisfiable: true}`, or null for the whole body (no header, or one
 * this server does not take apart: several ranges, a suffix).
 */
function byteRangeOf(header, size) {
  var m = header && /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  var start = Number(m[1]), end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  if (start >= size || start > end) return { unsatisfiable: true };
  return { start: start, end: end };
}

function plain(status, text, headers) {
  return new Response(text + '\n', { status: status, headers: Object.assign({ 'Content-Type': 'text/plain; charset=utf-8' }, headers) });
}

function withRetry(headers) {
  return Object.assign({ 'Retry-After': '1' }, headers);
}
