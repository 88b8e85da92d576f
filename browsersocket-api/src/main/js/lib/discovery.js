// discovery.js: BrowserSocketDiscovery, a client of the discovery service's JSON API.

/**
 * A client of the discovery service (OpenLookup-like): advertise values under a name with a TTL
 * and an optional secret, look them up, watch a name for new values, withdraw them; and keep a
 * signed value that only the holder of a key may change.
 *
 *   var lobby = new BrowserSocketDiscovery('http://127.0.0.1:7060');
 *   lobby.advertise('chat-lobby', JSON.stringify(room), { ttl: 300, secret: mySecret });
 *   var watch = lobby.watch('chat-lobby', function (v) { … }, function (gone) { … });
 */
class BrowserSocketDiscovery {
  constructor(serviceUrl) {
    if (typeof serviceUrl !== 'string' || !serviceUrl) throw new TypeError('new BrowserSocketDiscovery(serviceUrl)');
    this.service = serviceUrl.replace(/\/+$/, '');
  }

  /** Stores `value` (text) under `name` for `options.ttl` seconds; with `options.secret` it can be withdrawn. */
  advertise(name, value, options) {
    options = options || {};
    var body = { value: String(value), ttl: options.ttl || 3600 };
    if (options.secret) body.secret = String(options.secret);
    return this._post('/v1/values/' + encodeURIComponent(name), body);
  }

  /** All live values under `name`, following placemarks: `[{value, base64, hash, ttl, removable}]`. */
  lookup(name, options) {
    var self = this, max = (options && options.max) || 100, all = [];
    function page(placemark) {
      var url = self.service + '/v1/values/' + encodeURIComponent(name) + '?max=' + max
        + (placemark ? '&placemark=' + encodeURIComponent(placemark) : '');
      return fetchJson(url, { mode: 'cors', credentials: 'omit', cache: 'no-store' }).then(function (body) {
        all = all.concat(body.values);
        return body.placemark ? page(body.placemark) : all;
      });
    }
    return page('');
  }

  /**
   * Calls `onValue(v)` for every live value under `name`, now and as new ones arrive (Server-Sent
   * Events), and `onGone({hash})` when one is withdrawn or expires. Returns `{close()}`.
   */
  watch(name, onValue, onGone) {
    var source = new EventSource(this.service + '/v1/watch/' + encodeURIComponent(name));
    source.addEventListener('value', function (e) { onValue(JSON.parse(e.data)); });
    if (onGone) source.addEventListener('gone', function (e) { onGone(JSON.parse(e.data)); });
    return { close: function () { source.close(); }, source: source };
  }

  /**
   * Removes the value (text) advertised under `name` with `secret`. `options.keepalive`: the request
   * outlives the page (for a withdrawal when the page is left).
   */
  withdraw(name, value, secret, options) {
    return this._post('/v1/values/' + encodeURIComponent(name) + '/remove', { value: String(value), secret: String(secret) },
      !!(options && options.keepalive));
  }

  /** A new ECDSA P-256 key pair for signed values (WebCrypto). */
  static generateKey() {
    return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  }

  /** The principal of a key pair: hex SHA-1 of its public key (SubjectPublicKeyInfo). */
  static principalOf(keyPair) {
    return crypto.subtle.exportKey('spki', keyPair.publicKey)
      .then(function (spki) { return crypto.subtle.digest('SHA-1', spki); })
      .then(hex);
  }

  /**
   * Sets the signed value of (this key's principal, `label`) to `value` (text). `sequence` must be
   * higher than the last one stored. Resolves to `{principal, label}`.
   */
  putSigned(keyPair, label, value, sequence) {
    var self = this, valueBytes = encoder.encode(String(value));
    var head = encoder.encode('openlookup-signed-v1\n' + label + '\n' + sequence + '\n');
    var message = new Uint8Array(head.length + valueBytes.length);
    message.set(head);
    message.set(valueBytes, head.length);
    return Promise.all([
      crypto.subtle.exportKey('spki', keyPair.publicKey),
      crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, message)
    ]).then(function (parts) {
      return self._post('/v1/signed/' + encodeURIComponent(label),
        { publicKey: base64(parts[0]), value: String(value), sequence: sequence, signature: base64(parts[1]) });
    });
  }

  /** The signed value (text) of `label` whose principal starts with `principalPrefix`. */
  getSigned(principalPrefix, label) {
    return fetch(this.service + '/value/' + encodeURIComponent(principalPrefix) + '/' + encodeURIComponent(label),
      { mode: 'cors', credentials: 'omit', cache: 'no-store' }).then(function (r) {
      if (!r.ok) return r.json().then(function (b) { throw new Error(b.error || 'HTTP ' + r.status); });
      return r.text();
    });
  }

  _post(path, body, keepalive) {
    return fetchJson(this.service + path, { method: 'POST', mode: 'cors', credentials: 'omit', keepalive: !!keepalive,
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }
}

function fetchJson(url, init) {
  return fetch(url, init).then(function (r) {
    return r.json().then(function (body) {
      if (!r.ok) throw new Error(body.error || 'HTTP ' + r.status);
      return body;
    });
  });
}

function hex(buffer) {
  return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
}

function base64(buffer) {
  var bytes = new Uint8Array(buffer), text = '';
  for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return btoa(text);
}
