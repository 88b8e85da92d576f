// swarm-peers.js: who holds a version of a site, through the discovery service. A page that serves
// advertises its listener's URLs under the site and version with a TTL (renewed at half of it) and a
// secret, and withdraws them when it leaves; a fetching page looks the name up (briefly cached).

var ADVERT_PREFIX = 'browsersocket-swarm/';

/** The peers of `site` in the discovery service at `serviceUrl`. */
class SwarmPeers {
  constructor(serviceUrl, site, options) {
    options = options || {};
    this.discovery = serviceUrl ? new BrowserSocketDiscovery(serviceUrl) : null;
    this.site = site;
    this.ttl = options.ttl || 120;
    this.lookupMs = options.lookupMs != null ? options.lookupMs : 2000;
    this.own = new Set();       // our advertised URLs, never fetched from
    this.banned = new Map();    // url -> reason: peers that served a wrong byte
    this.cached = new Map();    // version -> {at, peers: promise}
    this.advert = null;         // {name, value, secret, timer}
  }

  name(version) {
    return ADVERT_PREFIX + this.site + '/v' + version;
  }

  /** Advertises `urls` (this page's listener) as holding `version`; replaces an earlier advert. */
  advertise(version, urls) {
    if (!this.discovery) return Promise.resolve();
    var self = this;
    urls.forEach(function (u) { self.own.add(u); });
    var previous = this.advert;
    var advert = { name: this.name(version), value: JSON.stringify({ urls: urls }), secret: randomSecret(), timer: null };
    this.advert = advert;
    var put = function () {
      return self.discovery.advertise(advert.name, advert.value, { ttl: self.ttl, secret: advert.secret });
    };
    advert.timer = setInterval(function () { if (self.advert === advert) put().catch(reportError); }, self.ttl * 500);
    return put().then(function () { if (previous) return self._withdraw(previous); });
  }

  /** Withdraws this page's advert (on leave: the request outlives the page). */
  withdraw() {
    var advert = this.advert;
    this.advert = null;
    return advert ? this._withdraw(advert) : Promise.resolve();
  }

  _withdraw(advert) {
    clearInterval(advert.timer);
    return this.discovery.withdraw(advert.name, advert.value, advert.secret, { keepalive: true }).catch(function () {});
  }

  /** The peers holding `version`, best first (a random order), without this page and banned ones. */
  list(version) {
    if (!this.discovery) return Promise.resolve([]);
    var self = this, cached = this.cached.get(version), now = Date.now();
    if (!cached || now - cached.at >= this.lookupMs) {
      // One lookup at a time per version: who asks meanwhile shares it.
      cached = { at: now, peers: this.discovery.lookup(this.name(version)).then(function (values) {
        var peers = [];
        values.forEach(function (v) {
          var urls = advertisedUrls(v.value);
          if (urls.length) peers.push({ url: urls[0], urls: urls });
        });
        return peers;
      }, function () { return []; }) }; // no discovery: the origin serves
      this.cached.set(version, cached);
    }
    return cached.peers.then(function (peers) { return self._usable(peers.slice()); });
  }

  _usable(peers) {
    var self = this;
    return shuffled(peers.filter(function (p) { return !self.own.has(p.url) && !self.banned.has(p.url); }));
  }

  /** Never asks `url` again: it served bytes that did not match the manifest. */
  ban(url, reason) {
    this.banned.set(url, reason);
  }
}

/** The http(s) URLs of an advert's value, or none for a value that is not one. */
function advertisedUrls(value) {
  try {
    var parsed = JSON.parse(value);
    if (!parsed || !Array.isArray(parsed.urls)) return [];
    return parsed.urls.filter(function (u) { return typeof u === 'string' && /^https?:\/\/[^\s]+\/$/.test(u); }).slice(0, 8);
  } catch (e) {
    return [];
  }
}

function randomSecret() {
  return b64url(crypto.getRandomValues(new Uint8Array(16)));
}

function shuffled(list) {
  for (var i = list.length - 1; i > 0; i--) {
    var j = Math.floor(Math.random() * (i + 1)), t = list[i];
    list[i] = list[j];
    list[j] = t;
  }
  return list;
}
