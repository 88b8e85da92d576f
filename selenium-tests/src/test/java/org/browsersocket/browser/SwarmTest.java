package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.browsersocket.browser.SwarmVisitor.SwarmStats;
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
    private SwarmStack stack;
    private final List<SwarmVisitor> visitors = new ArrayList<>();

    @BeforeEach
    void startSwarm() throws Exception {
        stack = SwarmStack.start();
    }

    @AfterEach
    void stopSwarm() {
        visitors.forEach(SwarmVisitor::close);
        stack.close();
    }

    private SwarmVisitor visit(String query) throws Exception {
        SwarmVisitor visitor = SwarmVisitor.arrive(stack, query);
        visitors.add(visitor);
        return visitor;
    }

    @Test
    void theFirstVisitorLoadsFromTheOriginAndTheNextOnesFromPeers() throws Exception {
        SwarmVisitor first = visit("");
        SwarmStats firstStats = first.stats();
        assertEquals(0, firstStats.fromPeers(), "nobody held the assets yet: " + firstStats);
        long siteBytes = firstStats.fromOrigin();
        assertTrue(siteBytes > 3_000_000, "the first visitor got every asset from the origin: " + firstStats);

        long originBefore = stack.originBytes();
        SwarmVisitor second = visit("");
        SwarmStats secondStats = second.stats();
        assertEquals(siteBytes, secondStats.fromPeers() + secondStats.fromOrigin(), secondStats.toString());
        assertTrue(secondStats.offload() >= 0.9, "the second visitor's assets came from the first: " + secondStats);
        assertTrue(stack.originBytes() - originBefore < siteBytes * 0.1,
                "the origin sent " + (stack.originBytes() - originBefore) + " bytes of the site to the second visitor");
        first.browser().await(d -> first.stats().served() >= secondStats.fromPeers());
        assertEquals(stack.assetHashes(), second.assetHashes(), "what came from the peer is the site's content");
    }

    @Test
    void aPeerServingAlteredBytesIsBannedAndNoneOfItsBytesAreUsed() throws Exception {
        visit("").close(); // held the assets, then left (its advert outlives it: a peer that is gone)
        visitors.clear();
        Map.Entry<SwarmVisitor, String> liar = SwarmVisitor.liar(stack, 1);
        visitors.add(liar.getKey());

        SwarmVisitor visitor = visit("");
        SwarmStats stats = visitor.stats();
        assertTrue(String.join(" | ", stats.rejected()).contains(liar.getValue() + ": sent bytes of"), stats.toString());
        assertTrue(stats.rejected().get(0).endsWith("that do not match the manifest"), stats.toString());
        assertEquals(0, stats.fromPeers(), "nothing from the liar was used: " + stats);
        assertEquals(stack.assetHashes(), visitor.assetHashes(), "every asset the page holds is the site's");
    }

    @Test
    void aManifestWithABadSignatureIsRefusedAndTheGameRunsFromTheOrigin() throws Exception {
        Path manifest = stack.site().resolve("swarm/manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\": 1", "\"version\": 7"));
        SwarmVisitor visitor = visit("");
        String error = visitor.browser().script("return window.tileQuest.error");
        assertTrue(error.contains("signature does not match the pinned public key"), error);
        assertEquals("from the site only", visitor.browser().script("return window.tileQuest.via"));
    }

    @Test
    void aNewVersionReachesOpenPagesThroughPeersAndAnOlderOneIsRefused() throws Exception {
        Path version1 = stack.keep();
        SwarmVisitor first = visit("");
        SwarmVisitor second = visit("");
        stack.publish(2);
        for (SwarmVisitor page : List.of(first, second)) {
            page.browser().await(d -> page.stats().version() == 2);
        }
        SwarmVisitor third = visit("");
        SwarmStats thirdStats = third.stats();
        assertEquals(2, thirdStats.version());
        assertTrue(thirdStats.offload() >= 0.9, "version 2 came from the pages that moved to it: " + thirdStats);
        assertEquals(stack.assetHashes(), third.assetHashes(), "version 2's files");

        stack.restore(version1);
        first.browser().await(d -> String.join(" ", first.stats().rejected()).contains("no rollback"));
        assertEquals(2, first.stats().version(), "the page stays at version 2");
        first.browser().driver().navigate().refresh(); // its store holds version 2: the origin's version 1 is refused on load too
        first.awaitLoaded();
        assertEquals(2, first.stats().version());
    }

    @Test
    void aControlledPageGetsItsAssetsFromTheServiceWorkerWithoutTheOrigin() throws Exception {
        SwarmVisitor visitor = visit("");
        Chromium browser = visitor.browser();
        browser.await(d -> Boolean.TRUE.equals(browser.script("return !!navigator.serviceWorker.controller")));
        // The first controlled load may also take the page's script and style (loaded before the worker) into the store.
        for (int load = 1; load <= 2; load++) {
            long before = stack.originBytes();
            browser.driver().navigate().refresh();
            visitor.awaitLoaded();
            assertEquals("through the service worker", browser.script("return window.tileQuest.via"));
            long expected = Files.size(stack.site().resolve("index.html"))
                    + (load == 1 ? Files.size(stack.site().resolve("game.js")) + Files.size(stack.site().resolve("game.css")) : 0);
            long sent = stack.originBytes() - before; // less when the browser's cache revalidated a file (304)
            assertTrue(sent <= expected, "load " + load + ": the controlled page's assets came from the verified store,"
                    + " at most index.html (outside the manifest) from the origin; it sent " + sent + " bytes");
        }
        String tile = browser.asyncScript("var done = arguments[arguments.length - 1];"
                + "fetch('assets/tiles/grass.png', { headers: { Range: 'bytes=0-7' } }).then(function (r) {"
                + " return r.arrayBuffer().then(function (b) { done(r.status + ' ' + b.byteLength + ' ' + new Uint8Array(b)[1]); }); });");
        assertEquals("206 8 80", tile, "a range of a PNG from the worker (byte 1 of a PNG is 'P')");
    }

    @Test
    void aPageServesOnlyTheManifestsFilesAndKeepsToItsUploadLimit() throws Exception {
        SwarmVisitor host = visit("?upload=100000");
        String base = host.browser().script("var u = window.tileQuest.swarm.urls; return u[u.length - 1]");
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, get(http, base + "v1/assets/level.json").statusCode());
        assertTrue(Arrays.equals(Files.readAllBytes(stack.site().resolve("assets/level.json")),
                get(http, base + "v1/assets/level.json").body()));
        assertEquals(404, get(http, base + "v1/index.html").statusCode(), "the page itself is not in the manifest");
        assertEquals(404, get(http, base + "v1/swarm/manifest.json").statusCode());
        assertEquals(404, get(http, base + "v1/assets/../index.html").statusCode());
        assertEquals(404, get(http, base + "v2/assets/level.json").statusCode(), "a version the page does not hold");
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(base + "v1/assets/level.json"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        // 100,000 bytes/s: a 2 MB file spends the whole budget (and more); the next request must wait for it.
        assertEquals(200, get(http, base + "v1/assets/sounds.bin").statusCode());
        HttpResponse<byte[]> over = get(http, base + "v1/assets/tiles/grass.png");
        assertEquals(503, over.statusCode());
        assertEquals("1", over.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void aPageAdvertisesItselfWhileItServesAndWithdrawsWhenItIsLeft() throws Exception {
        SwarmVisitor visitor = visit("");
        String url = visitor.browser().script("var u = window.tileQuest.swarm.urls; return u[u.length - 1]");
        awaitAdverts(url, true);
        visitor.browser().open("about:blank"); // the page is left: its listener closes and its advert goes
        awaitAdverts(url, false);
    }

    /** Waits (10 s at most) until the discovery service lists {@code url} under the game's version 1, or no longer does. */
    private void awaitAdverts(String url, boolean listed) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI values = URI.create(stack.discoveryUrl() + "/v1/values/"
                + java.net.URLEncoder.encode("browsersocket-swarm/game/v1", java.nio.charset.StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + 10_000_000_000L;
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(HttpRequest.newBuilder(values).build(), HttpResponse.BodyHandlers.ofString()).body();
            boolean present = body.contains(url) || body.contains(url.replace("/", "\\/"));
            if (present == listed) {
                return;
            }
            Thread.sleep(50); // between lookups: the withdrawal has no event to wait on here
        }
        throw new AssertionError((listed ? "not advertised: " : "still advertised: ") + url + " in " + body);
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
