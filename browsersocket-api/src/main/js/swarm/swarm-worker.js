// swarm-worker.js: the service worker side. Installed by a page's BrowserSocketSwarm (`worker`
// option), it answers the page's own requests for manifest paths (<img>, <script>, <link>,
// fetch()) with verified bytes: from the store, else from peers, else from the origin. It reads the
// current version and its settings from the store (written by the page after verifying), checks
// the signature again itself, and tells the pages what it fetched. Everything else passes by.

/** Makes this service worker answer the site's manifest paths through the swarm. */
BrowserSocketSwarm.worker = function () {
  var state = { manifest: null, signature: null, store: null, peers: null, config: null };
  var clients = new Map(); // client id -> {fetcher, pending, flush}: each page hears of its own requests only

  // The current version, verified; reloaded when the page moved to another.
  function current() {
    return SwarmStore.current(self.location.origin).then(function (held) {
      if (!held) return null;
      if (state.manifest && state.signature === held.signature) return state;
      return verifyManifest(held.manifest, held.signature, held.config.publicKey).then(function (manifest) {
        clients.clear();
        state = { manifest: manifest, signature: held.signature, config: held.config,
                  store: new SwarmStore(manifest.site, self.location.origin),
                  peers: new SwarmPeers(held.config.discovery, manifest.site, {}) };
        return state;
      });
    });
  }

  // What fetches for one page, counting what it got for that page.
  function forClient(id) {
    if (clients.has(id)) return clients.get(id);
    if (clients.size >= 64) clients.clear(); // pages come and go: a bounded table
    var pending = { fromOrigin: 0, fromPeers: 0, discarded: 0, peerFailures: 0, rejected: [] }, c = state.config;
    var client = { pending: pending, flush: null,
      fetcher: new SwarmFetcher({ store: state.store, peers: state.peers, origin: self.location.origin + '/', stats: pending,
        stallMs: c.stallMs || 4000, parallel: c.parallel || 4, maxFileBytes: c.maxFileBytes || 64 * 1024 * 1024,
        onRejected: function (r) { pending.rejected.push(r); } }) };
    clients.set(id, client);
    return client;
  }

  function report(id, client) {
    if (client.flush) return;
    client.flush = setTimeout(function () {
      client.flush = null;
      var p = client.pending, message = Object.assign({ browsersocketSwarm: 'stats' }, p);
      p.fromOrigin = p.fromPeers = p.discarded = p.peerFailures = 0;
      p.rejected = [];
      self.clients.get(id).then(function (page) { if (page) page.postMessage(message); });
    }, 100);
  }

  function answer(request, path, id) {
    return current().then(function (s) {
      var file = s && s.manifest.byPath.get(path);
      if (!file) return fetch(request);
      var client = forClient(id);
      return client.fetcher.file(s.manifest, file).then(function (bytes) {
        report(id, client);
        return rangeResponse(request, bytes, file.type);
      }, function () {
        report(id, client);
        return fetch(request.url, { headers: originHeaders() });
      });
    }).catch(function () { return fetch(request); });
  }

  self.addEventListener('install', function () { self.skipWaiting(); });
  self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
  self.addEventListener('fetch', function (event) {
    var request = event.request;
    if (request.method !== 'GET' || request.mode === 'navigate' || request.headers.get(ORIGIN_HEADER)) return;
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    var path = url.pathname.replace(/^\/+/, '');
    if (!path || path.indexOf('swarm/') === 0) return;
    event.respondWith(answer(request, path, event.clientId));
  });
};

/** `bytes` as the answer to `request`: the range it asks for (206), or all of it. */
function rangeResponse(request, bytes, type) {
  var m = /^bytes=(\d*)-(\d*)$/.exec((request.headers.get('range') || '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return new Response(bytes, { headers: { 'Content-Type': type } });
  var start = m[1] === '' ? Math.max(0, bytes.length - Number(m[2])) : Number(m[1]);
  var end = m[1] === '' || m[2] === '' ? bytes.length - 1 : Math.min(bytes.length - 1, Number(m[2]));
  if (start > end || start >= bytes.length) {
    return new Response(null, { status: 416, headers: { 'Content-Range': 'bytes */' + bytes.length } });
  }
  return new Response(bytes.slice(start, end + 1), { status: 206, headers: { 'Content-Type': type,
    'Content-Range': 'bytes ' + start + '-' + end + '/' + bytes.length } });
}
