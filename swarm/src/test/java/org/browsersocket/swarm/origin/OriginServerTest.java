package org.browsersocket.swarm.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swarm's origin: site files with ETags and ranges, nothing outside the site, the scripts, and its byte count. */
class OriginServerTest {
    @TempDir
    Path dir;
    private OriginServer origin;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void serveASite() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>hi</p>");
        Files.createDirectories(site.resolve("swarm"));
        Files.writeString(site.resolve("swarm/manifest.json"), "{}");
        Files.writeString(site.resolve(".secret"), "hidden");
        Files.writeString(dir.resolve("outside.txt"), "outside");
        Files.createSymbolicLink(site.resolve("link.txt"), dir.resolve("outside.txt"));
        origin = OriginServer.start("127.0.0.1", 0, site, "{\"publicKey\":\"k\"}");
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFileIsServedWithItsTypeAndAnEtagThatAnswersAConditionalRequestWith304() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("<p>hi</p>", page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String etag = page.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("/index.html", "If-None-Match", etag).statusCode());
    }

    @Test
    void aSingleRangeIsAnsweredWith206AndAnImpossibleOneWith416() throws Exception {
        HttpResponse<String> part = get("/index.html", "Range", "bytes=3-4");
        assertEquals(206, part.statusCode());
        assertEquals("hi", part.body());
        assertEquals("bytes 3-4/9", part.headers().firstValue("Content-Range").orElse(null));
        assertEquals(416, get("/index.html", "Range", "bytes=20-").statusCode());
    }

    @Test
    void nothingOutsideTheSiteOrHiddenIsServed() throws Exception {
        for (String path : new String[] {"/../outside.txt", "/.secret", "/link.txt", "/missing", "/swarm/../../outside.txt"}) {
            assertEquals(404, get(path).statusCode(), path);
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void theSwarmScriptsAndThePageSettingsAreServedAndOnlySiteFilesAreCounted() throws Exception {
        assertTrue(get(OriginServer.SWARM_SCRIPT).body().contains("BrowserSocketSwarm"));
        assertTrue(get(OriginServer.WORKER_SCRIPT).body().contains("BrowserSocketSwarm.worker()"));
        assertTrue(get("/swarm-config.js").body().contains("window.BrowserSocketSwarmSite = {\"publicKey\":\"k\"}"));
        get("/swarm/manifest.json");
        assertEquals(0, origin.siteBytesServed(), "scripts, settings and the manifest are not the site's content");
        get("/index.html");
        get("/index.html", "Range", "bytes=0-1");
        assertEquals(11, origin.siteBytesServed());
        assertTrue(get("/swarm/origin-stats.json").body().contains("\"siteBytes\":11"));
    }
}
