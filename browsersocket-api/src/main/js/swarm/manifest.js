// manifest.js: a site's signed manifest, parsed and checked here only (the origin's side is the
// swarm module's ManifestCodec, with the same rules). The signature covers manifest.json's exact
// bytes: Ed25519, checked with WebCrypto against the public key the page pins.

var MANIFEST_FORMAT = 'browsersocket-swarm-manifest/1';
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var MAX_FILES = 10000;
var MAX_FILE_BYTES = 4294967296;
var MAX_PATH_CHARS = 256;
var MANIFEST_FIELDS = ['format', 'site', 'version', 'published', 'pieceSize', 'files'];
var FILE_FIELDS = ['path', 'size', 'type', 'sha256', 'pieces'];

/**
 * Checks `signatureText` (the .sig file: unpadded base64url of 64 bytes) over `bytes` (manifest.json
 * as served) with `publicKey` (raw Ed25519, unpadded base64url), then parses and checks the
 * manifest. Resolves to the manifest; rejects with a SwarmError saying what was wrong.
 */
function verifyManifest(bytes, signatureText, publicKey) {
  bytes = new Uint8Array(bytes);
  if (bytes.length > MAX_MANIFEST_BYTES) {
    return Promise.reject(new SwarmError('manifest of ' + bytes.length + ' bytes refused: at most ' + MAX_MANIFEST_BYTES + ' are allowed'));
  }
  var signature, key;
  try {
    signature = fromB64url(String(signatureText).trim());
    key = fromB64url(publicKey);
  } catch (e) {
    return Promise.reject(new SwarmError('manifest signature or public key unreadable: ' + e.message));
  }
  if (signature.length !== 64) return Promise.reject(new SwarmError('manifest signature is ' + signature.length + ' bytes, an Ed25519 signature is 64'));
  if (key.length !== 32) return Promise.reject(new SwarmError('the pinned public key is ' + key.length + ' bytes, an Ed25519 key is 32'));
  return crypto.subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify'])
    .then(function (k) { return crypto.subtle.verify({ name: 'Ed25519' }, k, signature, bytes); })
    .then(function (valid) {
      if (!valid) throw new SwarmError('manifest signature does not match the pinned public key: refused');
      return parseManifest(bytes);
    });
}

/** Parses manifest.json's bytes and checks every rule; throws a SwarmError naming the first broken one. */
function parseManifest(bytes) {
  var m;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new SwarmError('manifest is not UTF-8 JSON: ' + e.message);
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw new SwarmError('manifest is not a JSON object');
  onlyFields(m, MANIFEST_FIELDS, 'manifest');
  if (m.format !== MANIFEST_FORMAT) throw new SwarmError('manifest format ' + describeText(m.format) + ' is not ' + MANIFEST_FORMAT);
  if (typeof m.site !== 'string' || !/^[a-z0-9][a-z0-9.-]{0,63}$/.test(m.site)) throw new SwarmError('manifest site ' + describeText(m.site) + ' is not a site name');
  if (!Number.isSafeInteger(m.version) || m.version < 1) throw new SwarmError('manifest version ' + describeText(m.version) + ' is not a positive integer');
  if (typeof m.published !== 'string' || isNaN(Date.parse(m.published))) throw new SwarmError('manifest published ' + describeText(m.published) + ' is not a time');
  if (!Number.isSafeInteger(m.pieceSize) || m.pieceSize < 16384 || m.pieceSize > 16777216 || (m.pieceSize & (m.pieceSize - 1)) !== 0) {
    throw new SwarmError('manifest pieceSize ' + describeText(m.pieceSize) + ' is not a power of two from 16384 to 16777216');
  }
  if (!Array.isArray(m.files)) throw new SwarmError('manifest files is not a list');
  if (m.files.length > MAX_FILES) throw new SwarmError('manifest lists ' + m.files.length + ' files, at most ' + MAX_FILES + ' are allowed');
  var byPath = new Map(), previous = null, total = 0;
  var files = m.files.map(function (f) {
    var file = checkFile(f, m.pieceSize);
    if (previous !== null && !(previous < file.path)) {
      throw new SwarmError('manifest files are not sorted by path, or list ' + describeText(file.path) + ' twice');
    }
    previous = file.path;
    byPath.set(file.path, file);
    total += file.size;
    return file;
  });
  return Object.freeze({ site: m.site, version: m.version, published: m.published, pieceSize: m.pieceSize,
                         files: Object.freeze(files), byPath: byPath, totalBytes: total });
}

function checkFile(f, pieceSize) {
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new SwarmError('manifest file entry is not an object');
  onlyFields(f, FILE_FIELDS, 'file entry');
  var path = checkPath(f.path);
  if (!Number.isSafeInteger(f.size) || f.size < 0 || f.size > MAX_FILE_BYTES) throw new SwarmError(describeText(path) + ': size ' + describeText(f.size) + ' is not 0 to ' + MAX_FILE_BYTES);
  if (typeof f.type !== 'string' || !/^[\x20-\x7e]{1,128}$/.test(f.type)) throw new SwarmError(describeText(path) + ': content type ' + describeText(f.type) + ' is not printable ASCII of 1 to 128 characters');
  var hash = checkHash(f.sha256, path);
  var pieces = null;
  if (f.size > pieceSize) {
    var count = Math.ceil(f.size / pieceSize);
    if (!Array.isArray(f.pieces) || f.pieces.length !== count) {
      throw new SwarmError(describeText(path) + ': ' + f.size + ' bytes in pieces of ' + pieceSize + ' need ' + count + ' piece hashes, the manifest has ' + (Array.isArray(f.pieces) ? f.pieces.length : 'none'));
    }
    pieces = f.pieces.map(function (p) { return checkHash(p, path); });
  } else if (f.pieces !== undefined) {
    throw new SwarmError(describeText(path) + ': a file of at most one piece has no piece hashes');
  }
  return Object.freeze({ path: path, size: f.size, type: f.type, sha256: hash, pieces: pieces });
}

/** A manifest path: relative, '/'-separated segments of [A-Za-z0-9._~-], never '.', '..' or under swarm/. */
function checkPath(path) {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_CHARS) {
    throw new SwarmError('manifest path ' + describeText(path) + ' is not 1 to ' + MAX_PATH_CHARS + ' characters');
  }
  var segments = path.split('/');
  for (var i = 0; i < segments.length; i++) {
    var s = segments[i];
    if (!/^[A-Za-z0-9._~-]+$/.test(s) || s === '.' || s === '..') {
      throw new SwarmError('manifest path ' + describeText(path) + ' refused: segments are letters, digits, ".", "_", "~" or "-", never empty, "." or ".."');
    }
  }
  if (segments[0] === 'swarm') throw new SwarmError('manifest path ' + describeText(path) + ' refused: swarm/ holds the manifest itself');
  return path;
}

function checkHash(text, path) {
  var bytes;
  try {
    bytes = fromB64url(text);
  } catch (e) {
    throw new SwarmError(describeText(path) + ': hash ' + e.message);
  }
  if (bytes.length !== 32) throw new SwarmError(describeText(path) + ': a SHA-256 hash is 32 bytes, not ' + bytes.length);
  return bytes;
}

function onlyFields(object, allowed, what) {
  Object.keys(object).forEach(function (k) {
    if (allowed.indexOf(k) < 0) throw new SwarmError(what + ' has a field the format does not know: ' + describeText(k));
  });
}

/** The byte range [start, end) of piece `index` of `file`; a file without piece hashes is one piece. */
function pieceRange(file, pieceSize, index) {
  if (!file.pieces) return { start: 0, end: file.size };
  var start = index * pieceSize;
  return { start: start, end: Math.min(file.size, start + pieceSize) };
}
