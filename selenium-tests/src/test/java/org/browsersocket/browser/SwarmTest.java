package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo game's swarm in real Chromium instances (one per visitor): assets from peers once
 * someone holds them, every byte checked (a peer serving altered bytes is banned, nothing of it is
 * used), a refused manifest leaves the game running from the origin, new versions spread and older
 * ones are refused, the service worker answers a controlled page's own requests, and a page serves
 * nothing but the manifest's files within its limits.
 */
class SwarmTest {
    private static final List<String> ASSETS = List.of("assets/level.json", "assets/sounds.bin", "assets/tiles/grass.png",
            "assets/tiles/water.png", "assets/tiles/sand.png", "assets/tiles/rock.png", "assets/tiles/forest.png",
            "assets/tiles/snow.png");
    private SwarmStack stack;
    private final java.util.ArrayList<Chromium> browsers = new java.util.ArrayList<>();

    @BeforeEach
    void startSwarm() throws Exception {
        stack = SwarmStack.start();
    }

    @AfterEach
    void stopSwarm() {
        browsers.forEach(Chromium::close);
        stack.close();
    }

    private Chromium visit(String query) throws Exception {
        Chromium browser = Chromium.start();
        browsers.add(browser);
        browser.open(stack.page(query));
        browser.await(d -> Boolean.TRUE.equals(browser.script("return window.tileQuest && window.tileQuest.loaded")));
        return browser;
    }

    private static Map<String, Object> stats(Chromium browser) {
        return browser.script("var s = window.tileQuest.swarm.stats; return {fromPeers: s.fromPeers, fromOrigin: s.fromOrigin,"
                + " served: s.served, version: s.version, rejected: s.rejected.map(function (r) { return r.reason; }).join(' | ')};");
    }

    private static long number(Map<String, Object> stats, String key) {
        return ((Number) stats.get(key)).longValue();
    }

    /** The base64url SHA-256 of each asset as the page holds it (its verified store), for comparison with the files. */
    private static Map<String, Object> pageHashes(Chromium browser) {
        return browser.asyncScript("var done = arguments[arguments.length - 1], swarm = window.tileQuest.swarm, out = {};"
                + "Promise.all(arguments[0].map(function (p) { return swarm.fetch(p).then(function (r) { return r.arrayBuffer(); })"
                + ".then(function (b) { return crypto.subtle.digest('SHA-256', b); }).then(function (d) {"
                + " out[p] = btoa(String.fromCharCode.apply(null, new Uint8Array(d))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); }); }))"
                + ".then(function () { done(out); }, function (e) { done({error: e.message}); });", ASSETS);
    }

    private Map<String, String> fileHashes() throws Exception {
        Map<String, String> out = new java.util.HashMap<>();
        for (String asset : ASSETS) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stack.site().resolve(asset)));
            out.put(asset, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        }
        return out;
    }

    @Test
    void theFirstVisitorLoadsFromTheOriginAndTheNextOnesMostlyFromPeers() throws Exception {
        Chromium first = visit("");
        Map<String, Object> firstStats = stats(first);
        assertEquals(0, number(firstStats, "fromPeers"), "nobody held the assets yet: " + firstStats);
        long siteBytes = number(firstStats, "fromOrigin");
        assertTrue(siteBytes > 3_000_000, "the first visitor got every asset from the origin: " + firstStats);

        long originBefore = stack.originBytes();
        Chromium second = visit("");
        Map<String, Object> secondStats = stats(second);
        assertEquals(siteBytes, number(secondStats, "fromPeers") + number(secondStats, "fromOrigin"), secondStats.toString());
        assertTrue(number(secondStats, "fromPeers") >= siteBytes * 0.9, "the second visitor's assets came from the first: " + secondStats);
        assertTrue(stack.originBytes() - originBefore < siteBytes * 0.1,
                "the origin sent " + (stack.originBytes() - originBefore) + " bytes of the site to the second visitor");
        first.await(d -> number(stats(first), "served") >= number(secondStats, "fromPeers"));
        assertEquals(fileHashes(), pageHashes(second), "what came from the peer is the site's content");
    }

    @Test
    void aPeerServingAlteredBytesIsBannedAndNoneOfItsBytesAreUsed() throws Exception {
        visit("").close(); // holds the assets, then leaves (its advert outlives it: a peer that is gone)
        browsers.clear();
        Chromium liar = Chromium.start();
        browsers.add(liar);
        liar.open(stack.page("?swarm=off"));
        liar.await(d -> Boolean.TRUE.equals(liar.script("return window.tileQuest && window.tileQuest.loaded")));
        // A page that answers every file of version 1 with bytes of the right length, all wrong, and advertises itself.
        String liarUrl = liar.asyncScript("""
                var done = arguments[arguments.length - 1], runtime = arguments[0], discovery = arguments[1];
                var s = document.createElement('script'); s.src = runtime + '/browsersocket.js';
                s.onload = function () {
                  fetch('/swarm/manifest.json').then(function (r) { return r.json(); }).then(function (m) {
                    var sizes = {}; m.files.forEach(function (f) { sizes[f.path] = f.size; });
                    var bs = new BrowserSocket(function () { return {}; });
                    bs.onrequest = function (request) {
                      var path = request.path.replace(/^\\/v1\\//, '');
                      if (!(path in sizes)) return new Response('no', { status: 404 });
                      return new Response(new Uint8Array(sizes[path]).fill(66), { headers: { 'Access-Control-Allow-Origin': '*' } });
                    };
                    return bs.ready.then(function () {
                      var url = 'http://127.0.0.1:' + bs.port + bs.resourcePrefix;
                      return new BrowserSocketDiscovery(discovery).advertise('browsersocket-swarm/game/v1',
                        JSON.stringify({ urls: [url] }), { ttl: 120 }).then(function () { done(url); });
                    });
                  }).catch(function (e) { done('failed: ' + e.message); });
                };
                document.head.appendChild(s);
                """, stack.runtimeUrl(), stack.discoveryUrl());
        assertTrue(liarUrl.startsWith("http://127.0.0.1:"), liarUrl);

        Chromium visitor = visit("");
        Map<String, Object> stats = stats(visitor);
        assertTrue(((String) stats.get("rejected")).contains("do not match the manifest"), stats.toString());
        assertEquals(0, number(stats, "fromPeers"), "nothing from the liar was used: " + stats);
        assertEquals(fileHashes(), pageHashes(visitor), "every asset the page holds is the site's");
        String banned = visitor.script("return window.tileQuest.swarm.stats.rejected[0].peer");
        assertEquals(liarUrl, banned);
    }

    @Test
    void aManifestWithABadSignatureIsRefusedAndTheGameRunsFromTheOrigin() throws Exception {
        Path manifest = stack.site().resolve("swarm/manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\": 1", "\"version\": 7"));
        Chromium visitor = visit("");
        String error = visitor.script("return window.tileQuest.error");
        assertTrue(error.contains("signature does not match the pinned public key"), error);
        assertEquals("from the site only", visitor.script("return window.tileQuest.via"));
    }

    @Test
    void aNewVersionReachesOpenPagesThroughPeersAndAnOlderOneIsRefused() throws Exception {
        Path version1 = stack.keep();
        Chromium first = visit("");
        Chromium second = visit("");
        stack.publish(2);
        for (Chromium page : List.of(first, second)) {
            page.await(d -> number(stats(page), "version") == 2);
        }
        Chromium third = visit("");
        Map<String, Object> thirdStats = stats(third);
        assertEquals(2, number(thirdStats, "version"));
        assertTrue(number(thirdStats, "fromPeers") > 3_000_000, "version 2 came from the pages that moved to it: " + thirdStats);
        assertEquals(fileHashes(), pageHashes(third), "version 2's files");

        stack.restore(version1);
        first.await(d -> ((String) stats(first).get("rejected")).contains("no rollback"));
        assertEquals(2, number(stats(first), "version"), "the page stays at version 2");
        first.driver().navigate().refresh(); // its store holds version 2: the origin's version 1 is refused on load too
        first.await(d -> Boolean.TRUE.equals(first.script("return window.tileQuest && window.tileQuest.loaded")));
        assertEquals(2, number(stats(first), "version"));
    }

    @Test
    void aControlledPageGetsItsAssetsFromTheServiceWorkerWithoutTheOrigin() throws Exception {
        Chromium visitor = visit("");
        visitor.await(d -> Boolean.TRUE.equals(visitor.script("return !!navigator.serviceWorker.controller")));
        // The first controlled load may also take the page's script and style (loaded before the worker) into the store.
        for (int load = 1; load <= 2; load++) {
            long before = stack.originBytes();
            visitor.driver().navigate().refresh();
            visitor.await(d -> Boolean.TRUE.equals(visitor.script("return window.tileQuest && window.tileQuest.loaded")));
            assertEquals("through the service worker", visitor.script("return window.tileQuest.via"));
            long expected = Files.size(stack.site().resolve("index.html"))
                    + (load == 1 ? Files.size(stack.site().resolve("game.js")) + Files.size(stack.site().resolve("game.css")) : 0);
            long sent = stack.originBytes() - before; // less when the browser's cache revalidated a file (304)
            assertTrue(sent <= expected, "load " + load + ": the controlled page's assets came from the verified store,"
                    + " at most index.html (outside the manifest) from the origin; it sent " + sent + " bytes");
        }
        String tile = visitor.asyncScript("var done = arguments[arguments.length - 1];"
                + "fetch('assets/tiles/grass.png', { headers: { Range: 'bytes=0-7' } }).then(function (r) {"
                + " return r.arrayBuffer().then(function (b) { done(r.status + ' ' + b.byteLength + ' ' + new Uint8Array(b)[1]); }); });");
        assertEquals("206 8 80", tile, "a range of a PNG from the worker (byte 1 of a PNG is 'P')");
    }

    @Test
    void aPageServesOnlyTheManifestsFilesAndKeepsToItsUploadLimit() throws Exception {
        Chromium host = visit("?upload=100000");
        String base = host.script("return window.tileQuest.swarm.urls[window.tileQuest.swarm.urls.length - 1]");
        HttpClient http = HttpClient.newHttpClient();
        java.util.function.Function<String, HttpResponse<byte[]>> get = path -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        HttpResponse<byte[]> level = get.apply("v1/assets/level.json");
        assertEquals(200, level.statusCode());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(stack.site().resolve("assets/level.json")), level.body()));
        assertEquals(404, get.apply("v1/index.html").statusCode(), "the page itself is not in the manifest");
        assertEquals(404, get.apply("v1/swarm/manifest.json").statusCode());
        assertEquals(404, get.apply("v1/assets/../index.html").statusCode());
        assertEquals(404, get.apply("v2/assets/level.json").statusCode(), "a version the page does not hold");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "v1/assets/level.json"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        // 100,000 bytes/s: a 2 MB file spends the whole budget (and more); the next request must wait for it.
        assertEquals(200, get.apply("v1/assets/sounds.bin").statusCode());
        HttpResponse<byte[]> over = get.apply("v1/assets/tiles/grass.png");
        assertEquals(503, over.statusCode());
        assertEquals("1", over.headers().firstValue("Retry-After").orElse(null));
    }
}
