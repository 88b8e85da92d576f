// swarm-store.js: the verified content of a site's versions, in the origin's Cache Storage (shared
// by its pages and its service worker). Only bytes that matched the manifest's hash are put here;
// the pointer to the current version (its manifest bytes and signature) is one entry, replaced in
// one put, so a reader sees the old version or the new one, never a mix. One origin, one current
// version: a service worker serves the one swarm of its origin.

var STORE_PREFIX = 'browsersocket-swarm/';
var CURRENT_PATH = '__browsersocket-swarm/current';
var POINTER_CACHE = STORE_PREFIX + 'current';

/**
 * The verified files of `site`, one cache per version, at `base` (the origin, e.g. location.origin).
 * The files this page used or fetched lately are also held in memory (at most `memoryBytes`), so
 * serving a peer's request does not go to Cache Storage each time.
 */
class SwarmStore {
  constructor(site, base, memoryBytes) {
    this.site = site;
    this.base = String(base).replace(/\/+$/, '') + '/';
    this.memory = typeof caches === 'undefined' ? new Map() : null; // without Cache Storage: this page only
    this.opened = new Map();   // cache name -> promise of the open cache
    this.held = new Map();     // version/path -> Uint8Array, oldest first
    this.heldBytes = 0;
    this.memoryBytes = memoryBytes == null ? 64 * 1024 * 1024 : memoryBytes;
  }

  _cache(name) {
    if (this.memory) {
      if (!this.memory.has(name)) this.memory.set(name, new Map());
      var map = this.memory.get(name);
      return Promise.resolve({
        match: function (url) { var r = map.get(url); return Promise.resolve(r ? r.clone() : undefined); },
        put: function (url, r) { map.set(url, r); return Promise.resolve(); }
      });
    }
    if (!this.opened.has(name)) this.opened.set(name, caches.open(name));
    return this.opened.get(name);
  }

  _name(version) {
    return STORE_PREFIX + this.site + '/' + version;
  }

  // Bytes in memory answer without a trip through Cache Storage (or a Blob's, which is the browser's).
  _hold(key, bytes) {
    if (bytes.length > this.memoryBytes) return;
    if (this.held.has(key)) this.heldBytes -= this.held.get(key).length;
    this.held.delete(key);
    this.held.set(key, bytes);
    this.heldBytes += bytes.length;
    for (var oldest of this.held.keys()) {
      if (this.heldBytes <= this.memoryBytes) break;
      this.heldBytes -= this.held.get(oldest).length;
      this.held.delete(oldest);
    }
  }

  /** The verified bytes of `path` in `version` (a Uint8Array: do not change it), or undefined. */
  bytes(version, path) {
    var key = version + '/' + path, self = this;
    if (this.held.has(key)) return Promise.resolve(this.held.get(key));
    var url = this.base + path;
    return this._cache(this._name(version)).then(function (c) { return c.match(url); }).then(function (r) {
      if (!r) return undefined;
      return r.arrayBuffer().then(function (b) { var bytes = new Uint8Array(b); self._hold(key, bytes); return bytes; });
    });
  }

  /** Keeps `bytes` (already verified against `file`) as `file.path` of `version`. */
  put(version, file, bytes) {
    var url = this.base + file.path;
    this._hold(version + '/' + file.path, bytes);
    var response = new Response(bytes, { headers: { 'Content-Type': file.type, 'Content-Length': String(bytes.byteLength) } });
    return this._cache(this._name(version)).then(function (c) { return c.put(url, response); });
  }

  /**
   * The current version at `base` (one per origin): `{manifest: Uint8Array, signature, config}`, or
   * null. Static: a service worker reads it before it knows the site.
   */
  static current(base) {
    var url = String(base).replace(/\/+$/, '') + '/' + CURRENT_PATH;
    var read = typeof caches === 'undefined' ? Promise.resolve(undefined)
      : caches.open(POINTER_CACHE).then(function (c) { return c.match(url); });
    return read.then(function (r) {
      if (!r) return null;
      return r.json().then(function (pointer) {
        return { manifest: fromB64url(pointer.manifest), signature: pointer.signature, config: pointer.config || {} };
      });
    });
  }

  /** Makes `manifestBytes` (verified, with its signature) the current version, in one put. */
  setCurrent(manifestBytes, signature, config) {
    var url = this.base + CURRENT_PATH;
    var body = JSON.stringify({ manifest: b64url(new Uint8Array(manifestBytes)), signature: signature, config: config });
    return this._cache(POINTER_CACHE).then(function (c) {
      return c.put(url, new Response(body, { headers: { 'Content-Type': 'application/json' } }));
    });
  }

  /** Deletes the caches of this site's versions other than `version`. */
  dropOthers(version) {
    var self = this, keepPrefix = version + '/';
    Array.from(this.held.keys()).forEach(function (k) {
      if (k.indexOf(keepPrefix) !== 0) {
        self.heldBytes -= self.held.get(k).length;
        self.held.delete(k);
      }
    });
    if (this.memory) {
      var keep = this._name(version), memory = this.memory;
      Array.from(memory.keys()).forEach(function (k) { if (k !== keep && k !== POINTER_CACHE) memory.delete(k); });
      return Promise.resolve();
    }
    var prefix = STORE_PREFIX + this.site + '/', keepName = this._name(version);
    Array.from(this.opened.keys()).forEach(function (n) { if (n.indexOf(prefix) === 0 && n !== keepName) self.opened.delete(n); });
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(prefix) === 0 && n !== keepName; })
        .map(function (n) { return caches.delete(n); }));
    });
  }
}
