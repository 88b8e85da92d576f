// swarm-fetcher.js: gets a manifest file's bytes from peers, piece by piece, and from the origin
// when no peer has them. Every byte from a peer is checked against the manifest before it is
// used: a peer that sends a wrong byte is banned and reported, and the piece is fetched elsewhere.
// A peer that stalls, sends fewer or more bytes than asked, or answers with an error is skipped.

var PEERS_PER_PIECE = 3;

/**
 * Fetches verified files. `options`: `store` (SwarmStore), `peers` (SwarmPeers), `origin` (base
 * URL of the site), `stats` (counters, see BrowserSocketSwarm.stats), `stallMs` (a source that
 * sends no byte for this long is given up), `parallel` (pieces in flight), `maxFileBytes` (larger
 * files are not assembled in memory: fetch them from the origin as they are), `onRejected(report)`.
 */
class SwarmFetcher {
  constructor(options) {
    this.options = options;
    this.inFlight = new Map(); // version/path -> promise of bytes
  }

  /** The verified bytes of `file` in `manifest` (from the store, peers or the origin), kept in the store. */
  file(manifest, file) {
    var key = manifest.version + '/' + file.path, self = this;
    if (this.inFlight.has(key)) return this.inFlight.get(key);
    var store = this.options.store;
    var work = store.bytes(manifest.version, file.path).then(function (kept) {
      if (kept) return kept;
      if (file.size > self.options.maxFileBytes) {
        throw new SwarmError(describeText(file.path) + ' is ' + file.size + ' bytes, over the swarm\'s ' + self.options.maxFileBytes + ' per file');
      }
      return self._fetch(manifest, file).then(function (bytes) {
        return store.put(manifest.version, file, bytes).then(function () { return bytes; });
      });
    });
    this.inFlight.set(key, work);
    var done = function () { self.inFlight.delete(key); };
    work.then(done, done);
    return work;
  }

  _fetch(manifest, file) {
    var self = this, count = file.pieces ? file.pieces.length : 1;
    return this.options.peers.list(manifest.version).then(function (peers) {
      // Piece i goes first to peer (offset + i): the pieces of a file, and files, spread over the peers.
      var bytes = new Uint8Array(file.size), next = 0, offset = Math.floor(Math.random() * Math.max(1, peers.length));
      function worker() {
        if (next >= count) return Promise.resolve();
        var index = next++, first = (offset + index) % Math.max(1, peers.length);
        var ranked = peers.slice(first).concat(peers.slice(0, first));
        return self._piece(manifest, file, index, ranked.slice(0, PEERS_PER_PIECE)).then(function (piece) {
          bytes.set(piece, pieceRange(file, manifest.pieceSize, index).start);
          return worker();
        });
      }
      var workers = [];
      for (var i = 0; i < Math.min(self.options.parallel, count); i++) workers.push(worker());
      return Promise.all(workers).then(function () {
        return sha256(bytes).then(function (digest) {
          if (!sameBytes(digest, file.sha256)) throw new SwarmError(describeText(file.path) + ': the assembled file does not match its SHA-256');
          return bytes;
        });
      });
    });
  }

  /** Piece `index` of `file`, verified: from the first of `peers` that serves it right, else the origin. */
  _piece(manifest, file, index, peers) {
    var self = this, range = pieceRange(file, manifest.pieceSize, index);
    var expected = file.pieces ? file.pieces[index] : file.sha256;
    var ranged = file.pieces !== null;
    function fromPeer(i) {
      if (i >= peers.length) return fromOrigin();
      var peer = peers[i];
      if (self.options.peers.banned.has(peer.url)) return fromPeer(i + 1); // banned while this file was fetched
      return fromPeerAt(i, peer, peer.working || 0);
    }
    // A peer is tried at its advert's URLs in turn while they do not answer at all (an address
    // that does not reach it from here); the one that answers is its address from then on.
    function fromPeerAt(i, peer, u) {
      var urls = peer.urls || [peer.url];
      var url = urls[u] + 'v' + manifest.version + '/' + file.path;
      return fetchExact(url, ranged ? range : null, range.end - range.start, self.options.stallMs).then(function (piece) {
        peer.working = u;
        return sha256(piece).then(function (digest) {
          if (sameBytes(digest, expected)) {
            self.options.stats.fromPeers += piece.length;
            return piece;
          }
          self.options.stats.discarded += piece.length;
          var reason = 'sent bytes of ' + file.path + (ranged ? ' (piece ' + index + ')' : '') + ' that do not match the manifest';
          self.options.peers.ban(peer.url, reason);
          self.options.onRejected({ peer: urls[u], path: file.path, piece: index, reason: reason });
          return fromPeer(i + 1);
        });
      }, function (e) {
        if (e.unanswered && u + 1 < urls.length) return fromPeerAt(i, peer, u + 1);
        self.options.stats.peerFailures++;
        return fromPeer(i + 1); // no such file, busy, stalled, short or long: someone else may have it
      });
    }
    function fromOrigin() {
      return fetchExact(self.options.origin + file.path, ranged ? range : null, range.end - range.start, self.options.stallMs * 4, true)
        .then(function (piece) {
          return sha256(piece).then(function (digest) {
            if (!sameBytes(digest, expected)) {
              throw new OriginMismatch(describeText(file.path) + ': the origin serves bytes that do not match version ' + manifest.version + ' of the manifest');
            }
            self.options.stats.fromOrigin += piece.length;
            return piece;
          });
        });
    }
    return fromPeer(0);
  }
}

/** The origin's bytes differ from the manifest's (it may have published a new version). */
class OriginMismatch extends SwarmError {}

/**
 * Exactly `length` bytes of `url` (of `range` [start, end) when given): refuses a status other than
 * 200/206, fewer or more bytes than that, and a source that sends nothing for `stallMs`. From the
 * origin (`wholeAllowed`), a 200 answer to a range request is cut to the range. A failure with no
 * answer at all (no connection, or no response within `stallMs`) has `unanswered` set.
 */
function fetchExact(url, range, length, stallMs, wholeAllowed) {
  var controller = new AbortController(), timer = null, failure = null, answered = false;
  function stall() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      failure = new SwarmError(url + ' stalled: nothing for ' + stallMs + ' ms');
      controller.abort();
    }, stallMs);
  }
  stall();
  var headers = wholeAllowed ? originHeaders() : {};
  if (range) headers.Range = 'bytes=' + range.start + '-' + (range.end - 1);
  return fetch(url, { headers: headers, signal: controller.signal, cache: 'no-store', credentials: 'omit', mode: 'cors' })
    .then(function (response) {
      answered = true;
      var skip = 0, want = length;
      if (range && response.status === 200 && wholeAllowed) {
        skip = range.start;
        want = range.start + length;
      } else if (response.status !== (range ? 206 : 200)) {
        controller.abort();
        throw new SwarmError(url + ' answered HTTP ' + response.status);
      }
      var out = new Uint8Array(length), got = 0, reader = response.body.getReader();
      function read() {
        stall();
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            if (got !== want) throw new SwarmError(url + ' sent ' + got + ' bytes of ' + want + ' (truncated)');
            return out;
          }
          var bytes = chunk.value;
          if (got + bytes.length > want && !skip) {
            controller.abort();
            throw new SwarmError(url + ' sent more than the ' + want + ' bytes asked for');
          }
          var from = Math.max(0, skip - got), to = Math.min(bytes.length, want - got);
          if (from < to) out.set(bytes.subarray(from, to), got + from - skip);
          got += bytes.length;
          if (skip && got >= want) { // the range is in: the rest of the whole answer is not needed
            controller.abort();
            return out;
          }
          return read();
        });
      }
      return read();
    })
    .then(function (bytes) { clearTimeout(timer); return bytes; },
          function (e) {
            clearTimeout(timer);
            var error = failure || e;
            error.unanswered = !answered; // nothing came back: the address may not reach the source at all
            throw error;
          });
}
