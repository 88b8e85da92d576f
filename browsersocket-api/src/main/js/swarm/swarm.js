// swarm.js: BrowserSocketSwarm, what a page of a site uses: it verifies the site's signed manifest,
// gets the files it needs from peers (the origin otherwise), serves what it holds to other peers,
// advertises itself in the discovery service, and follows new versions of the manifest.

var ORIGIN_HEADER = 'X-BrowserSocket-Swarm'; // marks the library's own requests to the origin, which a service worker lets through

/**
 * A page's part in its site's swarm.
 *
 *   var swarm = BrowserSocketSwarm.start({ publicKey: 'MCow…', discovery: 'http://127.0.0.1:7060',
 *                                          worker: '/browsersocket-swarm-worker.js' });
 *   swarm.fetch('assets/hero.png').then(function (r) { return r.blob(); });
 */
class BrowserSocketSwarm extends EventTarget {
  /** Joins the swarm of this page's site; see the constructor for `options`. */
  static start(options) {
    return new BrowserSocketSwarm(options);
  }

  /**
   * `options`: `publicKey` (required: the site's raw Ed25519 key, unpadded base64url, shipped with
   * the page), `manifest` (URL, default '/swarm/manifest.json'), `signature` (default: the
   * manifest's URL ending .sig), `discovery` (the discovery service's URL; none: origin only),
   * `worker` (a service worker script answering the page's own requests, e.g.
   * '/browsersocket-swarm-worker.js'), `serve` (default true), `maxPeers` (requests served at once,
   * default 8), `uploadBytesPerSecond` (default 0: no limit), `pollSeconds` (how often to look for a
   * new manifest, default 60; 0: never), `stallMs` (default 4000), `parallel` (pieces in flight,
   * default 4), `maxFileBytes` (default 64 MiB), `advertiseTtl` (seconds, default 120), `urls`
   * (`function (listener)` giving the URLs to advertise; default: its reachable URLs and loopback),
   * `BrowserSocket` (the class to listen with; default: the global one of browsersocket.js),
   * `prefetch` (true: fetch every file of the manifest as soon as it is verified; or a list of
   * paths; default false: files are fetched when asked for).
   */
  constructor(options) {
    super();
    options = Object.assign({ manifest: '/swarm/manifest.json', discovery: null, worker: null, serve: true, maxPeers: 8,
      uploadBytesPerSecond: 0, pollSeconds: 60, stallMs: 4000, parallel: 4, maxFileBytes: 64 * 1024 * 1024,
      advertiseTtl: 120 }, options || {});
    if (typeof options.publicKey !== 'string') throw new TypeError('BrowserSocketSwarm.start({publicKey}): the site\'s public key is required');
    if (!options.signature) options.signature = String(options.manifest).replace(/(\.json)?$/, '.sig');
    this.options = options;
    this.origin = new URL('./', new URL(options.manifest, global.location.href)).href.replace(/swarm\/$/, '');
    /** Counters of this page (and its service worker): bytes from the origin, from peers, served to peers… */
    this.stats = { version: null, fromOrigin: 0, fromPeers: 0, discarded: 0, served: 0, peerFailures: 0, rejected: [] };
    this.manifest = null;
    this.onstats = null;
    this.onversion = null;
    this.onrejected = null;
    this.onerror = null;
    this._etag = null;
    this._timer = null;
    this._server = null;
    this._stopped = false;
    this.ready = this._start();
    this.ready.catch(function () {});
  }

  /** Resolves to a Response with `path`'s verified bytes (a manifest path), or the origin's answer (any other). */
  fetch(path) {
    var self = this;
    return this.ready.then(function () {
      var clean = String(path).replace(/^\/+/, '').replace(/[?#].*$/, '');
      var file = self.manifest.byPath.get(clean);
      if (!file) return fetch(self.origin + clean);
      return self._fetcher.file(self.manifest, file).then(function (bytes) {
        self._changed();
        return new Response(bytes, { headers: { 'Content-Type': file.type } });
      }, function (e) {
        self._changed();
        if (e instanceof OriginMismatch) self.checkForUpdate().catch(function () {});
        else self._report('error', { message: e.message, error: e });
        // The origin is the authority: its answer is passed on as it is (and counted), but never kept or served to peers.
        return fetch(self.origin + clean, { headers: originHeaders() }).then(function (r) {
          return r.arrayBuffer().then(function (body) {
            self.stats.fromOrigin += body.byteLength;
            self._changed();
            return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
          });
        });
      });
    });
  }

  /** Looks for a newer signed manifest now; resolves to true when this page moved to it. */
  checkForUpdate() {
    var self = this;
    return this.ready.then(function () { return loadManifest(self.options, self._etag); }).then(function (loaded) {
      if (!loaded) return false;
      self._etag = loaded.etag;
      if (loaded.manifest.version <= self.manifest.version) {
        if (loaded.manifest.version < self.manifest.version) {
          self._refuse('manifest version ' + loaded.manifest.version + ' is older than version ' + self.manifest.version + ' held: no rollback');
        }
        return false;
      }
      return self._switchTo(loaded).then(function () { return true; });
    }, function (e) {
      self._refuse(e.message);
      return false;
    });
  }

  /** Leaves the swarm: stops serving and withdraws this page's advert. */
  stop() {
    this._stopped = true;
    clearInterval(this._timer);
    if (this._server) this._server.stop();
    if (this._peers) this._peers.withdraw();
  }

  _start() {
    var self = this, options = this.options;
    return loadManifest(options, null).then(function (loaded) {
      self._etag = loaded.etag;
      self.store = new SwarmStore(loaded.manifest.site, self.origin);
      self._peers = new SwarmPeers(options.discovery, loaded.manifest.site, { ttl: options.advertiseTtl });
      self._peers.list(loaded.manifest.version); // asked now, ready when the first file is wanted
      return SwarmStore.current(self.origin).then(function (held) {
        if (!held) return loaded;
        return verifyManifest(held.manifest, held.signature, options.publicKey).then(function (heldManifest) {
          if (heldManifest.version <= loaded.manifest.version) return loaded;
          self._refuse('the origin serves manifest version ' + loaded.manifest.version + ', older than version ' + heldManifest.version + ' held: no rollback');
          return { manifest: heldManifest, bytes: held.manifest, signature: held.signature, etag: null };
        }, function () { return loaded; });
      });
    }).then(function (current) {
      self._fetcher = new SwarmFetcher({ store: self.store, peers: self._peers, origin: self.origin, stats: self.stats,
        stallMs: options.stallMs, parallel: options.parallel, maxFileBytes: options.maxFileBytes,
        onRejected: function (report) { self._rejected(report); } });
      return self._adopt(current);
    }).then(function () {
      if (self._stopped) return self; // stopped while it started: it neither fetches nor serves
      if (options.prefetch) self._prefetch(options.prefetch);
      if (options.serve) {
        self._server = new SwarmServer(self, options);
        self._server.ready.then(function (urls) {
          self.urls = urls;
          if (!self._stopped) return self._peers.advertise(self.manifest.version, urls);
        }).catch(function (e) { self._report('error', { message: 'not serving peers: ' + e.message, error: e }); });
      }
      if (options.worker && global.navigator && navigator.serviceWorker) self._useWorker(options.worker);
      if (options.pollSeconds > 0) {
        self._timer = setInterval(function () { self.checkForUpdate().catch(function () {}); }, options.pollSeconds * 1000);
      }
      if (typeof global.addEventListener === 'function') global.addEventListener('pagehide', function () { self.stop(); });
      return self;
    });
  }

  // Makes `loaded` the version this page uses and serves (the store's pointer too).
  _adopt(loaded) {
    var self = this;
    return this.store.setCurrent(loaded.bytes, loaded.signature, workerConfig(this.options)).then(function () {
      self.manifest = loaded.manifest;
      self.stats.version = loaded.manifest.version;
      return self.store.dropOthers(loaded.manifest.version);
    });
  }

  // A new version: the files held in the old one come over (unchanged ones copied, changed ones
  // fetched and verified against the new manifest), then the page switches to it in one step.
  _switchTo(loaded) {
    var self = this, old = this.manifest, next = loaded.manifest;
    return Promise.all(old.files.map(function (file) {
      var now = next.byPath.get(file.path);
      if (!now) return null;
      return self.store.bytes(old.version, file.path).then(function (kept) {
        if (!kept) return null;
        if (sameBytes(now.sha256, file.sha256)) return self.store.put(next.version, now, kept);
        return self._fetcher.file(next, now);
      });
    })).then(function () {
      return self._adopt(loaded);
    }).then(function () {
      self._changed();
      self._report('version', { version: next.version, previous: old.version });
      if (self.urls && !self._stopped) return self._peers.advertise(next.version, self.urls);
    });
  }

  // Starts fetching `paths` (true: every file of the manifest) now; later fetch() calls share them.
  _prefetch(paths) {
    var self = this, manifest = this.manifest;
    var files = paths === true ? manifest.files
      : paths.map(function (p) { return manifest.byPath.get(String(p).replace(/^\/+/, '')); }).filter(Boolean);
    files.forEach(function (file) {
      self._fetcher.file(manifest, file).then(function () { self._changed(); }, function () {});
    });
  }

  _manifestOf(version) {
    return this.manifest && this.manifest.version === version ? this.manifest : null;
  }

  _useWorker(script) {
    var self = this;
    navigator.serviceWorker.addEventListener('message', function (e) {
      var m = e.data;
      if (!m || m.browsersocketSwarm !== 'stats') return;
      self.stats.fromOrigin += m.fromOrigin;
      self.stats.fromPeers += m.fromPeers;
      self.stats.discarded += m.discarded;
      self.stats.peerFailures += m.peerFailures;
      (m.rejected || []).forEach(function (r) { self._rejected(r); });
      self._changed();
    });
    // Installed when the page is idle: not in the way of the first visit's own loading.
    var register = function () {
      navigator.serviceWorker.register(script).catch(function (e) {
        self._report('error', { message: 'service worker not installed: ' + e.message, error: e });
      });
    };
    if (typeof global.requestIdleCallback === 'function') global.requestIdleCallback(register, { timeout: 5000 });
    else setTimeout(register, 1000);
  }

  _rejected(report) {
    this.stats.rejected.push(report);
    if (this.stats.rejected.length > 100) this.stats.rejected.shift();
    this._report('rejected', report);
  }

  _refuse(reason) {
    this._rejected({ peer: null, path: null, piece: null, reason: reason });
  }

  _changed() {
    this._report('stats', { stats: this.stats });
  }

  _report(type, fields) {
    emit(this, type, fields);
  }
}

/** The signed manifest at `options.manifest`: `{manifest, bytes, signature, etag}`, or null when unchanged (ETag). */
function loadManifest(options, etag) {
  var headers = originHeaders();
  if (etag) headers['If-None-Match'] = etag;
  return fetch(options.manifest, { cache: 'no-store', headers: headers }).then(function (response) {
    if (response.status === 304) return null;
    if (!response.ok) throw new SwarmError('manifest ' + options.manifest + ': HTTP ' + response.status);
    var length = Number(response.headers.get('Content-Length') || 0);
    if (length > MAX_MANIFEST_BYTES) throw new SwarmError('manifest of ' + length + ' bytes refused: at most ' + MAX_MANIFEST_BYTES + ' are allowed');
    return Promise.all([response.arrayBuffer(), fetch(options.signature, { cache: 'no-store', headers: originHeaders() }).then(function (r) {
      if (!r.ok) throw new SwarmError('manifest signature ' + options.signature + ': HTTP ' + r.status);
      return r.text();
    })]).then(function (parts) {
      var bytes = new Uint8Array(parts[0]);
      return verifyManifest(bytes, parts[1], options.publicKey).then(function (manifest) {
        return { manifest: manifest, bytes: bytes, signature: parts[1].trim(), etag: response.headers.get('ETag') };
      });
    });
  });
}

function originHeaders() {
  var h = {};
  h[ORIGIN_HEADER] = 'origin';
  return h;
}

/** What the service worker needs to fetch as the page does. */
function workerConfig(options) {
  return { publicKey: options.publicKey, discovery: options.discovery, stallMs: options.stallMs, parallel: options.parallel,
           maxFileBytes: options.maxFileBytes };
}
