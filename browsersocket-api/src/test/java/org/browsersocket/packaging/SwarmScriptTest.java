package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The swarm's manifest checks and its fetching of exact byte counts (swarm/*.js), run by Node.js:
 * Ed25519 known vectors, every manifest rule, and sources that stall, send too few or too many bytes.
 */
class SwarmScriptTest {
    /** RFC 8032, section 7.1, TEST 1: the public key and the signature of the empty message. */
    private static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String RFC8032_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    private static String run(String program) throws Exception {
        StringBuilder source = new StringBuilder("var global = globalThis;\n");
        for (String fragment : List.of("lib/events.js", "swarm/encoding.js", "swarm/manifest.js", "swarm/swarm-store.js",
                "swarm/swarm-fetcher.js", "swarm/swarm-server.js")) {
            source.append(NodeProgram.fragment(fragment)).append('\n');
        }
        source.append("function originHeaders() { return { 'X-BrowserSocket-Swarm': 'origin' }; }\n");
        source.append("""
                function hexBytes(h) { return Uint8Array.from(h.match(/../g).map(function (x) { return parseInt(x, 16); })); }
                // A manifest signed with a fresh key: {bytes, signature, publicKey}.
                function signed(manifest, mutate) {
                  var text = JSON.stringify(manifest);
                  return crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']).then(function (k) {
                    var bytes = encoder.encode(text);
                    return Promise.all([crypto.subtle.sign({ name: 'Ed25519' }, k.privateKey, bytes), crypto.subtle.exportKey('raw', k.publicKey)])
                      .then(function (p) { return { bytes: bytes, signature: b64url(new Uint8Array(p[0])), publicKey: b64url(new Uint8Array(p[1])) }; });
                  });
                }
                var H = b64url(new Uint8Array(32));
                function manifest(files, extra) {
                  return Object.assign({ format: 'browsersocket-swarm-manifest/1', site: 'game', version: 2,
                    published: '2026-11-30T22:00:00Z', pieceSize: 16384, files: files }, extra || {});
                }
                function refusal(m) { try { parseManifest(encoder.encode(JSON.stringify(m))); return 'accepted'; } catch (e) { return e.message; } }
                """);
        Files.writeString(Path.of("target/swarm-sources.js"), NodeProgram.resource("node/swarm-sources.js"));
        return NodeProgram.run(Path.of("target"), source + program);
    }

    @Test
    void base64urlAndSha256AreWhatTheManifestToolWrites() throws Exception {
        assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0 AQID _w 4 refused", run("""
                sha256(encoder.encode('abc')).then(function (d) {
                  var refused; try { fromB64url('a'); } catch (e) { refused = 'refused'; }
                  console.log(b64url(d), b64url(Uint8Array.of(1, 2, 3)), b64url(Uint8Array.of(255)), fromB64url('AQIDBA').length, refused);
                });
                """));
    }

    @Test
    void theRfc8032VectorPassesTheSignatureCheckAndOneFlippedBitFailsIt() throws Exception {
        // The empty message's signature is valid, so only parsing (not JSON) refuses it.
        assertEquals("manifest is not UTF-8 JSON | manifest signature does not match the pinned public key: refused", run("""
                var key = b64url(hexBytes('%s')), sig = hexBytes('%s');
                verifyManifest(new Uint8Array(0), b64url(sig), key).catch(function (e) {
                  var first = e.message.split(':')[0];
                  sig[0] ^= 1;
                  return verifyManifest(new Uint8Array(0), b64url(sig), key).catch(function (e2) { console.log(first + ' | ' + e2.message); });
                });
                """.formatted(RFC8032_PUBLIC, RFC8032_SIGNATURE)));
    }

    @Test
    void aSignedManifestIsAcceptedAndAnyChangedByteOrOtherKeyIsRefused() throws Exception {
        assertEquals("2 2 17000 | signature does not match | signature does not match | is 31 bytes", run("""
                var files = [{ path: 'a.txt', size: 1000, type: 'text/plain', sha256: H },
                             { path: 'big.bin', size: 16000, type: 'application/octet-stream', sha256: H }];
                signed(manifest(files)).then(function (s) {
                  return verifyManifest(s.bytes, s.signature, s.publicKey).then(function (m) {
                    var out = [m.version + ' ' + m.files.length + ' ' + m.totalBytes];
                    var changed = s.bytes.slice(); changed[changed.length - 3] ^= 1;
                    return verifyManifest(changed, s.signature, s.publicKey).catch(function (e) { out.push(e.message); })
                      .then(function () { return signed(manifest(files)); })
                      .then(function (other) { return verifyManifest(s.bytes, s.signature, other.publicKey).catch(function (e) { out.push(e.message); }); })
                      .then(function () { return verifyManifest(s.bytes, s.signature, s.publicKey.slice(0, 42)).catch(function (e) { out.push(e.message); }); })
                      .then(function () { console.log(out.map(function (t) { return t.replace(/^manifest signature (does not match).*/, 'signature $1').replace(/.*(is 31 bytes).*/, '$1'); }).join(' | ')); });
                  });
                });
                """));
    }

    @Test
    void everyManifestRuleRefusesWithItsReason() throws Exception {
        String out = run("""
                var f = function (path, size, pieces) { var e = { path: path, size: size || 1, type: 'text/plain', sha256: H }; if (pieces) e.pieces = pieces; return e; };
                var many = []; for (var i = 0; i < 100000; i++) many.push(f('f' + String(i).padStart(6, '0')));
                [
                  manifest([f('a'), f('b/c.png')]),
                  manifest(many),
                  manifest([f('../etc/passwd')]),
                  manifest([f('/abs')]),
                  manifest([f('a//b')]),
                  manifest([f('a\\\\b')]),
                  manifest([f('%2e%2e/x')]),
                  manifest([f('swarm/manifest.json')]),
                  manifest([f('b'), f('a')]),
                  manifest([f('a'), f('a')]),
                  manifest([f('big', 40000, [H, H])]),
                  manifest([f('small', 10, [H])]),
                  manifest([f('a')], { pieceSize: 20000 }),
                  manifest([f('a')], { version: 0 }),
                  manifest([f('a')], { format: 'other/1' }),
                  manifest([f('a')], { extra: true }),
                  manifest([{ path: 'a', size: 1, type: 'text/plain', sha256: 'AAAA' }]),
                ].forEach(function (m) { console.log(refusal(m)); });
                try { verifyManifest(new Uint8Array(4 * 1024 * 1024 + 1), '', '').catch(function (e) { console.log(e.message); }); } catch (e) { console.log('threw'); }
                """);
        String[] lines = out.split("\n");
        assertEquals("accepted", lines[0]);
        assertEquals("manifest lists 100000 files, at most 10000 are allowed", lines[1]);
        for (int i = 2; i <= 6; i++) {
            assertContains(lines[i], "refused: segments are letters, digits");
        }
        assertContains(lines[7], "swarm/ holds the manifest itself");
        assertContains(lines[8], "not sorted by path");
        assertContains(lines[9], "twice");
        assertContains(lines[10], "need 3 piece hashes, the manifest has 2");
        assertContains(lines[11], "a file of at most one piece has no piece hashes");
        assertContains(lines[12], "is not a power of two");
        assertContains(lines[13], "version 0 is not a positive integer");
        assertContains(lines[14], "is not browsersocket-swarm-manifest/1");
        assertContains(lines[15], "a field the format does not know: \"extra\"");
        assertContains(lines[16], "a SHA-256 hash is 32 bytes, not 3");
        assertEquals("manifest of 4194305 bytes refused: at most 4194304 are allowed", lines[17]);
    }

    @Test
    void aSourceThatSendsTooFewTooManyOrNothingIsRefusedWithItsReason() throws Exception {
        String out = run("""
                require('./swarm-sources.js')().then(function (server) {
                  var base = 'http://127.0.0.1:' + server.address().port;
                  var tries = [
                    fetchExact(base + '/ok?n=300', null, 300, 2000),
                    fetchExact(base + '/range', { start: 100, end: 150 }, 50, 2000),
                    fetchExact(base + '/ok?n=1000', { start: 100, end: 150 }, 50, 2000, true),
                    fetchExact(base + '/ok?n=1000', { start: 100, end: 150 }, 50, 2000),
                    fetchExact(base + '/short', null, 100, 2000),
                    fetchExact(base + '/long', null, 150, 2000),
                    fetchExact(base + '/stall', null, 100, 300),
                    fetchExact(base + '/status', null, 4, 2000)
                  ];
                  Promise.all(tries.map(function (t) {
                    return t.then(function (b) { return 'ok ' + b.length + ' ' + b[0] + ' ' + b[b.length - 1]; }, function (e) { return e.message.replace(base, ''); });
                  })).then(function (results) { console.log(results.join('\\n')); server.close(); });
                });
                """);
        String[] lines = out.split("\n");
        assertEquals("ok 300 0 43", lines[0]);
        assertEquals("ok 50 100 149", lines[1]);
        assertEquals("ok 50 100 149", lines[2], "the origin's whole answer to a range request is cut to the range");
        assertEquals("/ok?n=1000 answered HTTP 200", lines[3], "a peer must answer a range request with 206");
        assertTrue(lines[4].equals("/short sent 50 bytes of 100 (truncated)") || lines[4].equals("terminated"), lines[4]);
        assertEquals("/long sent more than the 150 bytes asked for", lines[5]);
        assertEquals("/stall stalled: nothing for 300 ms", lines[6]);
        assertEquals("/status answered HTTP 503", lines[7]);
    }

    @Test
    void aFileComesFromTheOriginWhenEveryPeerStallsSendsTooFewTooManyOrWrongBytesAndTheLiarIsBanned() throws Exception {
        String out = run("""
                require('./swarm-sources.js')().then(function (server) {
                  var base = 'http://127.0.0.1:' + server.address().port, whole = new Uint8Array(40000);
                  for (var i = 0; i < whole.length; i++) whole[i] = i % 256;
                  var pieceHashes = [0, 1, 2].map(function (i) { return sha256(whole.subarray(i * 16384, Math.min(40000, (i + 1) * 16384))); });
                  Promise.all([sha256(whole)].concat(pieceHashes)).then(function (h) {
                    var file = { path: 'data.bin', size: 40000, type: 'application/octet-stream', sha256: h[0], pieces: h.slice(1) };
                    var manifest = { version: 1, pieceSize: 16384, files: [file], byPath: new Map([['data.bin', file]]) };
                    var banned = new Map(), rejected = [];
                    var peers = { banned: banned, ban: function (url, why) { banned.set(url, why); },
                      list: function () { return Promise.resolve(['stall', 'short', 'long', 'wrong', 'missing'].map(function (b) { return { url: base + '/p/' + b + '/' }; })); } };
                    var stats = { fromOrigin: 0, fromPeers: 0, discarded: 0, peerFailures: 0 };
                    var fetcher = new SwarmFetcher({ store: new SwarmStore('game', base + '/origin'), peers: peers, origin: base + '/origin/',
                      stats: stats, stallMs: 300, parallel: 3, maxFileBytes: 1 << 20, onRejected: function (r) { rejected.push(r.peer.replace(base, '') + ' ' + r.reason); } });
                    return fetcher.file(manifest, file).then(function (bytes) {
                      console.log(sameBytes(bytes, whole), stats.fromOrigin, stats.fromPeers, Array.from(banned.keys()).map(function (u) { return u.replace(base, ''); }).join(' '));
                      console.log(rejected[0]);
                      server.close();
                    });
                  }).catch(function (e) { console.log('failed', e.message); server.close(); });
                });
                """);
        String[] lines = out.split("\n");
        assertEquals("true 40000 0 /p/wrong/", lines[0], out);
        assertTrue(lines[1].startsWith("/p/wrong/ sent bytes of data.bin (piece "), lines[1]);
        assertTrue(lines[1].endsWith("that do not match the manifest"), lines[1]);
    }

    @Test
    void aPeerIsReachedAtTheNextUrlOfItsAdvertWhenTheFirstDoesNotAnswer() throws Exception {
        String out = run("""
                require('./swarm-sources.js')().then(function (server) {
                  var base = 'http://127.0.0.1:' + server.address().port, whole = new Uint8Array(40000);
                  for (var i = 0; i < whole.length; i++) whole[i] = i % 256;
                  sha256(whole).then(function (h) {
                    var file = { path: 'data.bin', size: 40000, type: 'application/octet-stream', sha256: h, pieces: null };
                    var manifest = { version: 1, pieceSize: 65536, files: [file], byPath: new Map([['data.bin', file]]) };
                    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
                    var peer = { url: 'http://127.0.0.1:9/', urls: ['http://127.0.0.1:9/', base + '/p/ok/'] };
                    var peers = { banned: new Map(), ban: function () {}, list: function () { return Promise.resolve([peer]); } };
                    var stats = { fromOrigin: 0, fromPeers: 0, discarded: 0, peerFailures: 0 };
                    var fetcher = new SwarmFetcher({ store: new SwarmStore('game', base + '/origin'), peers: peers, origin: base + '/origin/',
                      stats: stats, stallMs: 2000, parallel: 1, maxFileBytes: 1 << 20, onRejected: function () {} });
                    return fetcher.file(manifest, file).then(function (bytes) {
                      console.log(sameBytes(bytes, whole), stats.fromPeers, stats.fromOrigin, stats.peerFailures, peer.working);
                      server.close();
                    });
                  }).catch(function (e) { console.log('failed', e.message); server.close(); });
                });
                """);
        assertEquals("true 40000 0 0 1", out, "the file came from the peer's second URL, which it is known by from then on");
    }

    @Test
    void aPageServingAsManyPeersAsItsLimitAnswersTheNext503() throws Exception {
        String out = run("""
                var release, held = new Promise(function (r) { release = r; });
                var file = { path: 'a.bin', size: 10, type: 'application/octet-stream' };
                var swarm = { stats: { served: 0 }, _changed: function () {},
                  _manifestOf: function (v) { return v === 1 ? { version: 1, byPath: new Map([['a.bin', file]]) } : null; },
                  store: { bytes: function () { return held; } } };
                function FakeListener() { this.ready = new Promise(function () {}); }
                var server = new SwarmServer(swarm, { maxPeers: 1, uploadBytesPerSecond: 0, BrowserSocket: FakeListener });
                function request(path) { return { method: 'GET', path: path, headers: new Headers({ range: 'bytes=2-5' }) }; }
                var first = server.answer(request('/v1/a.bin'));
                Promise.resolve(server.answer(request('/v1/a.bin'))).then(function (second) {
                  release(Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
                  return first.then(function (r) { return r.arrayBuffer().then(function (b) {
                    console.log(second.status, second.headers.get('retry-after'), r.status, r.headers.get('content-range'), Array.from(new Uint8Array(b)).join(''));
                  }); });
                });
                """);
        assertEquals("503 1 206 bytes 2-5/10 2345", out);
    }

    private static void assertContains(String text, String part) {
        if (!text.contains(part)) {
            throw new AssertionError("expected <" + part + "> in <" + text + ">");
        }
    }
}
