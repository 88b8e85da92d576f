// encoding.js: the encodings the swarm's manifest uses (unpadded base64url, SHA-256), in one place.

var encoder = new TextEncoder();
var B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url of `bytes` (a Uint8Array). */
function b64url(bytes) {
  var out = '', i;
  for (i = 0; i + 2 < bytes.length; i += 3) {
    var n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >> 18] + B64URL[(n >> 12) & 63] + B64URL[(n >> 6) & 63] + B64URL[n & 63];
  }
  if (i < bytes.length) {
    var rest = bytes[i] << 16 | (i + 1 < bytes.length ? bytes[i + 1] << 8 : 0);
    out += B64URL[rest >> 18] + B64URL[(rest >> 12) & 63] + (i + 1 < bytes.length ? B64URL[(rest >> 6) & 63] : '');
  }
  return out;
}

/** The bytes of unpadded base64url `text`; throws on any other character or an impossible length. */
function fromB64url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new SwarmError('not unpadded base64url: ' + describeText(text));
  }
  var bytes = new Uint8Array(Math.floor(text.length * 3 / 4)), bits = 0, value = 0, j = 0;
  for (var i = 0; i < text.length; i++) {
    value = (value << 6) | B64URL.indexOf(text[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (value >> bits) & 255;
    }
  }
  return bytes;
}

/** SHA-256 of `bytes`, as a promise of a Uint8Array. */
function sha256(bytes) {
  return crypto.subtle.digest('SHA-256', bytes).then(function (d) { return new Uint8Array(d); });
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  var diff = 0;
  for (var i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** A short, printable rendering of untrusted text for error messages. */
function describeText(text) {
  if (typeof text !== 'string') return String(JSON.stringify(text));
  var s = text;
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}

/** A reason the swarm refused something (a manifest, a peer's bytes, an option), in plain words. */
class SwarmError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SwarmError';
  }
}
