// candidates.js: a listener's ways in, as URLs a peer can try. The runtime names its candidates
// (its own global address, a gateway mapping, native IPv6, Teredo, a relay) in `reachability`
// messages; the address services add what the machine looks like from outside, which the runtime
// may not have confirmed (say, a NAT's address without a mapping).

var KIND_ORDER = ['public', 'mapped', 'ipv6', 'teredo', 'relay'];

/** Splits a ws:// or wss:// URL (or base) into `{host, port, secure}`; `host` has no brackets. */
function urlParts(url) {
  var match = /^(wss?):\/\/(\[[^\]]+\]|[^\/:?#]+)(?::(\d+))?/i.exec(url);
  if (!match) return null;
  var secure = match[1].toLowerCase() === 'wss';
  return { host: match[2].replace(/^\[|\]$/g, '').toLowerCase(), port: match[3] ? Number(match[3]) : (secure ? 443 : 80),
           secure: secure };
}

function ipv4Octets(host) {
  var m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : null;
}

/**
 * Whether other machines on the Internet cannot use `host`: loopback, unspecified, link-local,
 * private (RFC 1918, unique-local fc00::/7) or shared (CGNAT 100.64/10) addresses, and localhost
 * names. Names other than localhost are taken as reachable: only DNS knows where they lead.
 */
function isLocalHost(host) {
  host = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || /\.localhost\.?$/.test(host)) return true;
  var v4 = ipv4Octets(host);
  if (v4) {
    return v4[0] === 0 || v4[0] === 10 || v4[0] === 127 || (v4[0] === 169 && v4[1] === 254)
      || (v4[0] === 172 && v4[1] >= 16 && v4[1] <= 31) || (v4[0] === 192 && v4[1] === 168)
      || (v4[0] === 100 && v4[1] >= 64 && v4[1] <= 127);
  }
  if (host.indexOf(':') < 0) return false;
  var mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host); // an IPv4 address written as IPv6
  if (mapped) return isLocalHost(mapped[1]);
  if (host === '::' || host === '::1' || /^0*:(0*:)*0*1?$/.test(host)) return true;
  var first = parseInt(host.split(':')[0] || '0', 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

/** `host` in one form however it is written (IPv6 may be compressed or not): for comparing. */
function hostKey(host) {
  host = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  if (host.indexOf(':') < 0) return host;
  var halves = host.split('::');
  var head = halves[0] ? halves[0].split(':') : [];
  var tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  var missing = halves.length > 1 ? 8 - head.length - tail.length : 0;
  var groups = head.concat(new Array(Math.max(0, missing)).fill('0'), tail);
  return groups.map(function (g) { return parseInt(g, 16).toString(16); }).join(':');
}

/** One way in for a listener whose public path is `prefix`: `{url, kind, family, host, port, secure, detail, confirmed}`. */
function reachableUrl(base, prefix, kind, family, detail, confirmed) {
  var parts = urlParts(base);
  return { url: base.replace(/\/+$/, '') + prefix, kind: kind, family: family, host: parts.host, port: parts.port,
           secure: parts.secure, detail: detail || '', confirmed: confirmed };
}

/** The runtime's candidates (best first) as this listener's URLs, leaving out any that are local. */
function runtimeUrls(candidates, prefix) {
  return (candidates || []).filter(function (c) {
    var parts = c && KIND_ORDER.indexOf(c.kind) >= 0 && urlParts(c.base);
    return parts && !isLocalHost(parts.host);
  }).map(function (c) { return reachableUrl(c.base, prefix, c.kind, c.family, c.detail, true); });
}

/**
 * Merges the address services' answers (`{ip, version, teredo, service}`) into the runtime's URLs:
 * an address the runtime already named is a duplicate (however it is written); a Teredo address
 * is kind `teredo`; any other is kind `public` (IPv4) or `ipv6`, unconfirmed. Unconfirmed URLs go after the confirmed ones and before
 * the relays (a relay always works, so it is the last resort). Local answers are left out; why is
 * added to `errors`.
 */
function mergeServiceAnswers(confirmed, answers, port, prefix, errors) {
  var known = new Set(confirmed.map(function (u) { return hostKey(u.host); }));
  var unconfirmed = [];
  answers.forEach(function (a) {
    var ip = String(a.ip).toLowerCase();
    if (isLocalHost(ip)) {
      errors.push(a.service + ': answered ' + a.ip + ', a local address other machines cannot reach');
      return;
    }
    if (known.has(hostKey(ip))) return;
    known.add(hostKey(ip));
    var base = 'ws://' + (a.version === 6 ? '[' + ip + ']' : ip) + ':' + port;
    var url = reachableUrl(base, prefix, a.teredo ? 'teredo' : a.version === 6 ? 'ipv6' : 'public', a.version,
      'seen by the address service at ' + a.service, false);
    url.service = a.service;
    url.teredo = a.teredo || null;
    unconfirmed.push(url);
  });
  var relays = confirmed.filter(function (u) { return u.kind === 'relay'; });
  return confirmed.filter(function (u) { return u.kind !== 'relay'; }).concat(unconfirmed, relays);
}
