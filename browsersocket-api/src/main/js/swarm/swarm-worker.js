// swarm-worker.js: the service worker side. Installed by a page's BrowserSocketSwarm (`worker`
// option), it answers the page's own requests for manifest paths (<img>, <script>, <link>,
// fetch()) with verified bytes: from the store, else from peers, else from the origin. It reads the
// current version and its settings from the store (written by the page after verifying), checks
// the signature again itself, and tells the pages what it fetched. Everything else passes by.

/** Makes this service worker answer the site's manifest paths through the swarm. */
BrowserSocketSwarm.worker = function () {
  var state = { manifest: null, signature: null, fetcher: null, store: null, loading: null };
  var pending = { fromOrigin: 0, fromPeers: 0, discarded: 0, peerFailures: 0, rejected: [] }, flush = null;

  // The current version, verified; reloaded when the page moved to another.
  function current() {
    return SwarmStore.current(self.location.origin).then(function (held) {
      if (!held) return null;
      if (state.manifest && state.signature === held.signature) return state;
      return verifyManifest(held.manifest, held.signature, held.config.publicKey).then(function (manifest) {
        var s = new SwarmStore(manifest.site, self.location.origin);
        var peers = new SwarmPeers(held.config.discovery, manifest.site, {});
        state = { manifest: manifest, signature: held.signature, store: s,
                  fetcher: new SwarmFetcher({ store: s, peers: peers, origin: self.location.origin + '/', stats: pending,
                    stallMs: held.config.stallMs || 4000, parallel: held.config.parallel || 4,
                    maxFileBytes: held.config.maxFileBytes || 64 * 1024 * 1024,
                    onRejected: function (r) { pending.rejected.push(r); } }) };
        return state;
      });
    });
  }

  function report() {
    if (flush) return;
    flush = setTimeout(function () {
      flush = null;
      var message = Object.assign({ browsersocketSwarm: 'stats' }, pending);
      pending.fromOrigin = pending.fromPeers = pending.discarded = pending.peerFailures = 0;
      pending.rejected = [];
      self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
        clients.forEach(function (c) { c.postMessage(message); });
      });
    }, 100);
  }

  function answer(request, path) {
    return current().then(function (s) {
      var file = s && s.manifest.byPath.get(path);
      if (!file) return fetch(request);
      return s.fetcher.file(s.manifest, file).then(function (bytes) {
        report();
        return rangeResponse(request, bytes, file.type);
      }, function () {
        report();
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
    event.respondWith(answer(request, path));
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
