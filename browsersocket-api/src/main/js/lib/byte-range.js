// byte-range.js: HTTP range requests (RFC 9110, section 14) over a body of known length: which
// bytes a Range header asks for, and whether its If-Range still names this body. Pure functions:
// the exchange (http-exchange.js) decides when to apply them.

/**
 * The one byte range `header` (a Range header's value, or null) asks of a body of `length` bytes:
 * `{start, end}` (inclusive, within the body); `{unsatisfiable: true}` when no byte of it exists
 * (answer 416); null when there is no header, or it is not a single well-formed `bytes` range
 * (several ranges included): then the whole body is sent, as the RFC lets a server do.
 */
function byteRange(header, length) {
  if (header == null) return null;
  var m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(String(header));
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') { // bytes=-n: the last n bytes
    var suffix = Number(m[2]);
    if (suffix === 0 || length === 0) return { unsatisfiable: true };
    return { start: Math.max(0, length - suffix), end: length - 1 };
  }
  var start = Number(m[1]);
  var end = m[2] === '' ? length - 1 : Number(m[2]);
  if (m[2] !== '' && end < start) return null; // not a valid range: ignored
  if (start >= length) return { unsatisfiable: true };
  return { start: start, end: Math.min(end, length - 1) };
}

/**
 * Whether a Range may be honoured given `ifRange` (the If-Range header's value, or null): yes
 * without one; otherwise only if it is the response's strong `etag` or exactly its `lastModified`
 * (a weak entity tag never matches). If it does not match, the whole body is sent.
 */
function ifRangeMatches(ifRange, etag, lastModified) {
  if (ifRange == null) return true;
  ifRange = String(ifRange).trim();
  if (/^(W\/)?"/.test(ifRange)) {
    return etag != null && ifRange.charAt(0) === '"' && ifRange === String(etag).trim();
  }
  return lastModified != null && ifRange === String(lastModified).trim();
}

/** The Content-Range header's value for `range` of a body of `length` bytes. */
function contentRange(range, length) {
  return range.unsatisfiable ? 'bytes */' + length : 'bytes ' + range.start + '-' + range.end + '/' + length;
}
