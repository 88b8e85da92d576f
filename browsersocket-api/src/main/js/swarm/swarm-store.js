// swarm-store.js: the verified content of a site's versions, in the origin's Cache Storage (shared
// by its pages and its service worker). Only bytes that matched the manifest's hash are put here;
// the pointer to the current version (its manifest bytes and signature) is one entry, replaced in
// one put, so a reader sees the old version or the new one, never a mix. One origin, one current
// version: a service worker serves the one swarm of its origin.

var STORE_PREFIX = 'browsersocket-swarm/';
var CURRENT_PATH = '__browsersocket-swarm/current';
var POINTER_CACHE = STORE_PREFIX + 'current';

/** The verified files of `site`, one cache per version, at `base` (the origin, e.g. location.origin). */
class SwarmStore {
  constructor(site, base) {
    this.site = site;
    this.base = String(base).replace(/\/+$/, '') + '/';
    this.memory = typeof caches === 'undefined' ? new Map() : null; // without Cache Storage: this page only
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
    return caches.open(name);
  }

  _name(version) {
    return STORE_PREFIX + this.site + '/' + version;
  }

  /** The verified bytes of `path` in `version`, as a Response, or undefined. */
  get(version, path) {
    var url = this.base + path;
    return this._cache(this._name(version)).then(function (c) { return c.match(url); });
  }

  /** Keeps `bytes` (already verified against `file`) as `file.path` of `version`. */
  put(version, file, bytes) {
    var url = this.base + file.path;
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
    if (this.memory) {
      var keep = this._name(version), memory = this.memory;
      Array.from(memory.keys()).forEach(function (k) { if (k !== keep && k !== POINTER_CACHE) memory.delete(k); });
      return Promise.resolve();
    }
    var prefix = STORE_PREFIX + this.site + '/', keepName = this._name(version);
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(prefix) === 0 && n !== keepName; })
        .map(function (n) { return caches.delete(n); }));
    });
  }
}
