package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.relay.HttpRegistrant.Canned;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay as its registrants' pages' agent for plain HTTP (a real relay runtime on loopback, and a
 * registrant whose "page" answers with canned responses): it passes requests on, keeps what a
 * shared cache may keep, and serves that while the page is away.
 */
class RelayAgentTest {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    @TempDir
    Path cacheDir;

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private RuntimeFixture relay(RelayCacheLimits cache) throws Exception {
        return relay(RuntimeConfig.ephemeral().withReach(ReachabilityConfig.none().withRelay(true, null)
                .withRelayCache(cache)));
    }

    private RuntimeFixture relay(RuntimeConfig config) throws Exception {
        RuntimeFixture relay = RuntimeFixture.start(config);
        started.add(relay);
        return relay;
    }

    private RuntimeFixture cachingRelay() throws Exception {
        return relay(RelayCacheLimits.in(cacheDir));
    }

    private HttpRegistrant registrant(RuntimeFixture relay) {
        HttpRegistrant registrant = new HttpRegistrant(relay.runtime().publicPort());
        started.add(registrant);
        return registrant;
    }

    private HttpResponse<String> get(RuntimeFixture relay, String target, String... headers) throws Exception {
        return send(relay, "GET", target, null, headers);
    }

    private HttpResponse<String> send(RuntimeFixture relay, String method, String target, String body,
                                      String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.runtime().publicPort()
                + target)).timeout(Duration.ofSeconds(20)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the relay sees the registrant's link gone: its pages are away. */
    private static void awaitAway(RuntimeFixture relay) {
        Await.until("the relay sees its registrants gone", () -> relay.runtime().reachabilityStatus().relayServed()
                .registrants().stream().noneMatch(r -> r.connected()));
    }

    @Test
    void aPlainRequestIsPassedOnToThePageAndItsAnswerStreamsBack() throws Exception {
        RuntimeFixture relay = relay((RelayCacheLimits) null);
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        byte[] large = new byte[3 << 20];
        new Random(3).nextBytes(large);
        home.answering(seen -> seen.uri().endsWith("large") ? new Canned(200, List.of("Content-Type", "application/octet-stream"),
                large, 48) : Canned.of(201, "made: " + seen.body(), "Content-Type", "text/plain", "X-Page", "yes"));

        HttpResponse<String> made = send(relay, "POST", prefix + "things?x=1", "a thing", "Content-Type", "text/plain");
        assertEquals(201, made.statusCode());
        assertEquals("made: a thing", made.body());
        assertEquals("yes", made.headers().firstValue("X-Page").orElse(null));
        HttpRegistrant.Seen seen = home.last();
        assertEquals("POST", seen.method());
        assertEquals(prefix + "things?x=1", seen.uri(), "the request target as the client sent it");
        assertEquals("close", seen.headers().get("Connection"), "one request per attach connection");

        HttpResponse<byte[]> streamed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + relay.runtime().publicPort() + prefix + "large")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, streamed.statusCode());
        assertArrayEquals(large, streamed.body(), "a chunked response arrives whole");
    }

    @Test
    void aPlainRequestReachesThePageThroughATlsRelayAndIsStored(@TempDir Path keys) throws Exception {
        Path cert = keys.resolve("cert.pem");
        Path key = keys.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), output);
        RuntimeFixture relay = relay(RuntimeConfig.ephemeral().withReach(ReachabilityConfig.none().withRelay(true, null)
                .withTls(cert, key).withRelayCache(RelayCacheLimits.in(cacheDir))));
        HttpRegistrant home = new HttpRegistrant(URI.create("wss://127.0.0.1:" + relay.runtime().publicPort()),
                org.browsersocket.runtime.tls.TlsContexts.client(cert));
        started.add(home);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "over tls", "Cache-Control", "max-age=60"));

        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(ThroughRelayTest.trusting(cert)).build();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + relay.runtime().publicPort() + prefix + "secure")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("over tls", response.body());
        }
        assertEquals(1, home.requests(prefix + "secure"));
    }

    @Test
    void aFreshResponseIsServedByTheRelayWithoutAskingThePageAgain() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "hello", "Cache-Control", "max-age=60", "Content-Type", "text/plain"));

        HttpResponse<String> first = get(relay, prefix + "hello.txt");
        assertEquals("hello", first.body());
        HttpResponse<String> second = get(relay, prefix + "hello.txt");
        assertEquals(200, second.statusCode());
        assertEquals("hello", second.body());
        assertEquals("text/plain", second.headers().firstValue("Content-Type").orElse(null));
        assertTrue(second.headers().firstValue("Age").isPresent(), "a stored response says its age");
        assertTrue(second.headers().firstValue("Cache-Status").orElse("").contains("hit"), second.headers().map().toString());
        assertEquals(1, home.requests(prefix + "hello.txt"), "the page was asked once");

        HttpResponse<String> head = send(relay, "HEAD", prefix + "hello.txt", null);
        assertEquals(200, head.statusCode());
        assertEquals("5", head.headers().firstValue("Content-Length").orElse(null), "HEAD is answered from the stored GET");
        assertEquals(1, home.requests(prefix + "hello.txt"));
    }

    @Test
    void aStaleResponseIsRevalidatedAndThePages304RefreshesIt() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> "\"v1\"".equals(seen.headers().get("If-None-Match"))
                ? Canned.of(304, "", "ETag", "\"v1\"", "Cache-Control", "max-age=60", "X-Checked", "yes")
                : Canned.of(200, "version one", "ETag", "\"v1\"", "Cache-Control", "max-age=0"));

        assertEquals("version one", get(relay, prefix + "doc").body());
        HttpResponse<String> revalidated = get(relay, prefix + "doc");
        assertEquals(200, revalidated.statusCode());
        assertEquals("version one", revalidated.body(), "the stored body, confirmed by the page");
        assertEquals("\"v1\"", home.last().headers().get("If-None-Match"), "the relay asked with its validator");
        assertEquals("yes", revalidated.headers().firstValue("X-Checked").orElse(null), "the 304's fields are stored");

        HttpResponse<String> fresh = get(relay, prefix + "doc");
        assertEquals("version one", fresh.body());
        assertEquals(2, home.requests(prefix + "doc"), "the 304 made it fresh for 60 s");

        HttpResponse<String> conditional = get(relay, prefix + "doc", "If-None-Match", "\"v1\"");
        assertEquals(304, conditional.statusCode(), "the client's own condition is answered from the store");
        assertEquals(2, home.requests(prefix + "doc"));
    }

    @Test
    void aPageFailingWhenAskedToRevalidateLeavesTheStoredCopyServed() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "good", "ETag", "\"g\"", "Cache-Control", "max-age=0"));
        assertEquals("good", get(relay, prefix + "doc").body());
        home.answering(seen -> Canned.of(503, "page trouble"));
        HttpResponse<String> served = get(relay, prefix + "doc");
        assertEquals(200, served.statusCode());
        assertEquals("good", served.body(), "the page's 5xx does not replace what is stored");
        assertEquals(2, home.requests(prefix + "doc"));
        home.answering(seen -> Canned.of(200, "better", "ETag", "\"b\"", "Cache-Control", "max-age=0"));
        assertEquals("better", get(relay, prefix + "doc").body(), "a new 200 does");
    }

    @Test
    void whileThePageIsAwayStoredResponsesAreServedWithTheirAgeAndTheRestGets503() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "kept", "ETag", "\"k\"", "Cache-Control", "no-cache", "Age", "100"));
        assertEquals("kept", get(relay, prefix + "kept").body());

        home.close();
        awaitAway(relay);
        HttpResponse<String> stale = get(relay, prefix + "kept");
        assertEquals(200, stale.statusCode());
        assertEquals("kept", stale.body(), "stored and stale, yet served: the page is away");
        assertTrue(Long.parseLong(stale.headers().firstValue("Age").orElseThrow()) >= 100, "with its age");
        HttpResponse<String> ranged = get(relay, prefix + "kept", "Range", "bytes=0-1");
        assertEquals(200, ranged.statusCode());
        assertEquals("kept", ranged.body(), "a range of it: the whole, as a server may answer");

        HttpResponse<String> missing = get(relay, prefix + "never-asked");
        assertEquals(503, missing.statusCode());
        assertTrue(missing.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
        assertEquals(503, send(relay, "POST", prefix + "kept", "x").statusCode(), "nothing to change while away");
    }

    @Test
    void aStoppedListenersStoredResponsesAreStillServed() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "page", "Cache-Control", "max-age=0", "Last-Modified",
                "Mon, 30 Nov 2026 12:00:00 GMT"));
        assertEquals("page", get(relay, prefix + "page").body());

        home.stopListening(prefix);
        Await.until("the relay drops the route", () -> relay.runtime().reachabilityStatus().relayServed().registrants()
                .get(0).routes() == 0);
        assertEquals("page", get(relay, prefix + "page").body(), "the prefix is no longer routed: the copy is served");
        assertEquals(1, home.requests(prefix + "page"));
        assertEquals(503, get(relay, prefix + "other").statusCode());
    }

    @Test
    void anUnknownPrefixGetsTheBare404AndNothingElse() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpResponse<String> unknown = get(relay, "/" + "U".repeat(22) + "/index.html");
        assertEquals(404, unknown.statusCode());
        assertEquals("404 Not Found\n", unknown.body());
        assertTrue(unknown.headers().firstValue("Cache-Status").isEmpty(), "nothing says a relay agent is here");
    }

    @Test
    void variantsByVaryAreStoredApart() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "lang=" + seen.headers().get("Accept-Language"),
                "Vary", "Accept-Language", "Cache-Control", "max-age=60"));

        for (int round = 0; round < 2; round++) {
            assertEquals("lang=en", get(relay, prefix + "greeting", "Accept-Language", "en").body());
            assertEquals("lang=fr", get(relay, prefix + "greeting", "Accept-Language", "fr").body());
            assertEquals("lang=null", get(relay, prefix + "greeting").body());
        }
        assertEquals(3, home.requests(prefix + "greeting"), "one request per variant");
    }

    @Test
    void noStorePrivateAndCredentialedResponsesAreNotStored() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> switch (seen.uri().substring(prefix.length())) {
            case "no-store" -> Canned.of(200, "x", "Cache-Control", "no-store, max-age=60");
            case "private" -> Canned.of(200, "x", "Cache-Control", "private, max-age=60");
            case "vary-star" -> Canned.of(200, "x", "Cache-Control", "max-age=60", "Vary", "*");
            case "shared" -> Canned.of(200, "x", "Cache-Control", "public, max-age=60");
            default -> Canned.of(200, "x", "Cache-Control", "max-age=60");
        });
        for (String path : List.of("no-store", "private", "vary-star")) {
            get(relay, prefix + path);
            get(relay, prefix + path);
            assertEquals(2, home.requests(prefix + path), path + " is not stored");
        }
        get(relay, prefix + "authorized", "Authorization", "Bearer secret");
        get(relay, prefix + "authorized", "Authorization", "Bearer secret");
        assertEquals(2, home.requests(prefix + "authorized"), "a response to a request with credentials is not shared");
        get(relay, prefix + "shared", "Authorization", "Bearer secret");
        get(relay, prefix + "shared");
        assertEquals(1, home.requests(prefix + "shared"), "unless it says public");
    }

    @Test
    void eachRegistrantsShareIsBoundedAndItsLeastRecentlyUsedGoFirst() throws Exception {
        RuntimeFixture relay = relay(new RelayCacheLimits(cacheDir, 64 << 10, 1 << 20, 32 << 10));
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        String twentyKib = "x".repeat(20 << 10);
        home.answering(seen -> Canned.of(200, twentyKib, "Cache-Control", "max-age=60"));

        for (String name : List.of("a", "b", "c")) {
            get(relay, prefix + name);
        }
        get(relay, prefix + "a"); // a is used again: b is now the least recently used
        get(relay, prefix + "d"); // over the 64 KiB share: b goes
        for (String name : List.of("a", "c", "d")) {
            get(relay, prefix + name);
            assertEquals(1, home.requests(prefix + name), name + " is still stored");
        }
        get(relay, prefix + "b");
        assertEquals(2, home.requests(prefix + "b"), "b was evicted");
    }

    @Test
    void aResponseLargerThanAnEntryMayBeStillStreamsWhole() throws Exception {
        RuntimeFixture relay = relay(new RelayCacheLimits(cacheDir, 1 << 20, 1 << 20, 64 << 10));
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        byte[] big = new byte[256 << 10];
        new Random(5).nextBytes(big);
        byte[] small = new byte[48 << 10];
        home.answering(seen -> new Canned(200, List.of("Cache-Control", "max-age=60"),
                seen.uri().endsWith("big") ? big : small, 8));
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + relay.runtime().publicPort() + prefix + "big")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, response.body());
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.runtime().publicPort() + prefix
                    + "small")).build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        assertEquals(2, home.requests(prefix + "big"), "over the entry cap: passed on, not stored");
        assertEquals(1, home.requests(prefix + "small"), "a chunked response under the cap is stored as it streams");
    }

    @Test
    void aClientThatDoesNotReadHoldsThePageBackInsteadOfFillingTheRelay() throws Exception {
        RuntimeFixture relay = relay(new RelayCacheLimits(cacheDir, 1 << 20, 1 << 20, 64 << 10));
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        byte[] body = new byte[64 << 20];
        new Random(13).nextBytes(body);
        home.answering(seen -> new Canned(200, List.of("Cache-Control", "max-age=60"), body, 0));
        try (java.net.Socket client = new java.net.Socket()) {
            client.setReceiveBufferSize(64 << 10);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", relay.runtime().publicPort()));
            client.getOutputStream().write(("GET " + prefix + "huge HTTP/1.1\r\nHost: relay\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until(() -> "the page is held back for half a second (" + home.flowed.get() + " bytes out)",
                    Duration.ofSeconds(20), () -> home.heldBackSince != 0
                            && System.nanoTime() - home.heldBackSince > 500_000_000L);
            long relayed = relay.runtime().reachabilityStatus().relayServed().registrants().get(0).relayedBytes();
            assertTrue(relayed < body.length / 2, "the relay took only what the client could be sent: " + relayed);

            var in = new java.io.BufferedInputStream(client.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream(body.length);
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                received.write(in.readNBytes(size));
                in.readNBytes(2);
            }
            assertArrayEquals(body, received.toByteArray(), "then all of it arrives, intact");
        }
    }

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException(head.toString());
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int chunkSize(java.io.InputStream in) throws java.io.IOException {
        return Integer.parseInt(readLine(in).trim(), 16);
    }

    private static String readLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException();
            }
            line.append((char) b);
        }
        return line.toString();
    }

    @Test
    void theCacheSurvivesARelayRestart() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "survivor", "Cache-Control", "max-age=3600", "Content-Type", "text/plain"));
        assertEquals("survivor", get(relay, prefix + "s").body());
        home.close();
        relay.close();
        started.remove(relay);

        RuntimeFixture again = cachingRelay();
        HttpResponse<String> response = get(again, prefix + "s");
        assertEquals(200, response.statusCode());
        assertEquals("survivor", response.body(), "stored before the restart, served after it with the page away");
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals(503, get(again, prefix + "other").statusCode(), "the prefix is still known, as its registrant's");
    }

    @Test
    void aPublishedResponseIsServedWithoutThePageAndWhileItIsAway() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        byte[] body = new byte[200 << 10]; // several link frames
        new Random(11).nextBytes(body);
        int stored = home.agents().publish(prefix, "/app.js", 200, List.of(List.of("Content-Type", "text/javascript")),
                body).get(10, TimeUnit.SECONDS);
        assertEquals(1, stored, "the one relay stored it");

        HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + relay.runtime().publicPort() + prefix + "app.js")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(body, served.body());
        assertEquals("text/javascript", served.headers().firstValue("Content-Type").orElse(null));
        assertEquals(0, home.requests(prefix + "app.js"), "the page was never asked");

        home.close();
        awaitAway(relay);
        assertEquals(200, get(relay, prefix + "app.js").statusCode(), "published: served while the page is away");
    }

    @Test
    void aPageMayPublishAsSoonAsItListens() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listenNow();
        byte[] body = "early".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, home.agents().publish(prefix, "/early", 200, List.of(), body).get(20, TimeUnit.SECONDS),
                "the publish waits for the relay to route the prefix");
        assertEquals("early", get(relay, prefix + "early").body());
        assertEquals(0, home.agents().publish("/" + "N".repeat(22) + "/", "/x", 200, List.of(), body)
                .get(20, TimeUnit.SECONDS), "not a prefix of this runtime: no relay takes it");
    }

    @Test
    void aPurgedResponseIsGone() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "from the page"));
        byte[] one = "published one".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, home.agents().publish(prefix, "/one", 200, List.of(), one).get(10, TimeUnit.SECONDS));
        assertEquals(1, home.agents().publish(prefix, "/two", 200, List.of(), one).get(10, TimeUnit.SECONDS));
        assertEquals("published one", get(relay, prefix + "one").body());

        assertEquals(1, home.agents().purge(prefix, "/one").get(10, TimeUnit.SECONDS));
        assertEquals("from the page", get(relay, prefix + "one").body(), "purged: the page answers again");
        assertEquals("published one", get(relay, prefix + "two").body());

        assertEquals(1, home.agents().purge(prefix, null).get(10, TimeUnit.SECONDS));
        home.close();
        awaitAway(relay);
        assertEquals(503, get(relay, prefix + "two").statusCode(), "everything under the prefix went");
    }

    @Test
    void aSuccessfulUnsafeRequestInvalidatesTheStoredResponse() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> seen.method().equals("GET") ? Canned.of(200, "list", "Cache-Control", "max-age=60")
                : Canned.of(204, ""));
        get(relay, prefix + "items");
        get(relay, prefix + "items");
        assertEquals(1, home.requests(prefix + "items"));
        assertEquals(204, send(relay, "POST", prefix + "items", "new item").statusCode());
        get(relay, prefix + "items");
        assertEquals(3, home.requests(prefix + "items"), "after the POST the list is asked for again");
    }

    @Test
    void aRequestBodyOverTheLimitGets413() throws Exception {
        RuntimeFixture relay = relay(RuntimeConfig.ephemeral().withReach(ReachabilityConfig.none().withRelay(true, null)
                .withRelayLimits(RelayLimits.defaults().withRequestBodyBytes(1024))));
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, "got " + seen.body().length()));
        assertEquals("got 1000", send(relay, "PUT", prefix + "f", "y".repeat(1000)).body());
        assertEquals(413, send(relay, "PUT", prefix + "f", "y".repeat(4000)).statusCode());
        assertEquals(1, home.requests(prefix + "f"));
    }

    @Test
    void oneConnectionCarriesSeveralRequestsAndPipelinedOnesAreAnsweredInOrder() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant home = registrant(relay);
        String prefix = home.listen();
        home.answering(seen -> Canned.of(200, seen.uri().substring(prefix.length()),
                "Cache-Control", seen.uri().endsWith("cached") ? "max-age=60" : "no-store"));
        try (RawPeer client = RawPeer.connect("127.0.0.1", relay.runtime().publicPort())) {
            for (String name : List.of("first", "cached", "cached", "second")) {
                client.write(("GET " + prefix + name + " HTTP/1.1\r\nHost: relay\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                RawPeer.Response response = client.readResponse();
                assertEquals(200, response.status());
                assertEquals(name, response.body());
            }
            StringBuilder pipelined = new StringBuilder();
            for (String name : List.of("p1", "cached", "p2", "p3")) {
                pipelined.append("GET ").append(prefix).append(name).append(" HTTP/1.1\r\nHost: relay\r\n\r\n");
            }
            client.write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
            for (String name : List.of("p1", "cached", "p2", "p3")) {
                assertEquals(name, client.readResponse().body(), "responses in the order of the requests");
            }
        }
    }

    @Test
    void aRegistrantThatDoesNotAttachInTimeGets504UnlessACopyIsStored() throws Exception {
        RuntimeFixture relay = relay(RuntimeFixture.withPeerWaitMillis(RuntimeConfig.ephemeral().withReach(
                ReachabilityConfig.none().withRelay(true, null).withRelayCache(RelayCacheLimits.in(cacheDir))), 300));
        HandMadeRegistrant home = new HandMadeRegistrant(relay.runtime().publicPort(), Map.of());
        started.add(home::closeBlocking);
        home.register();
        String prefix = "/" + "T".repeat(22) + "/";
        home.send(new RelayMessage.Add(prefix));
        assertInstanceOf(RelayMessage.Added.class, home.next());

        // The first request is answered by hand on an attach connection, and stored.
        var first = new java.util.concurrent.CompletableFuture<HttpResponse<String>>();
        new Thread(() -> {
            try {
                first.complete(get(relay, prefix + "slow"));
            } catch (Exception e) {
                first.completeExceptionally(e);
            }
        }).start();
        RelayMessage.Dial dial = assertInstanceOf(RelayMessage.Dial.class, home.next());
        try (RawPeer attach = RawPeer.connect("127.0.0.1", relay.runtime().publicPort())) {
            attach.write(("GET " + RelayPaths.ATTACH + dial.stream() + " HTTP/1.1\r\nHost: relay\r\nUpgrade: "
                    + RelayPaths.ATTACH_UPGRADE + "\r\nConnection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(101, attach.readResponse().status());
            String request = attach.readHead();
            assertTrue(request.startsWith("GET " + prefix + "slow HTTP/1.1"), request);
            attach.write(("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nETag: \"s\"\r\nCache-Control: max-age=0\r\n\r\nstored")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("stored", first.get(10, TimeUnit.SECONDS).body());
        }

        HttpResponse<String> unanswered = get(relay, prefix + "other");
        assertEquals(504, unanswered.statusCode(), "no attach in time, nothing stored");
        assertInstanceOf(RelayMessage.Dial.class, home.next());
        HttpResponse<String> fallback = get(relay, prefix + "slow");
        assertEquals(200, fallback.statusCode(), "no attach in time, but a stale copy is served");
        assertEquals("stored", fallback.body());
    }

    @Test
    void aRegistrantMayPublishAndPurgeOnlyForItsOwnPrefixes() throws Exception {
        RuntimeFixture relay = cachingRelay();
        HttpRegistrant owner = registrant(relay);
        String prefix = owner.listen();
        owner.answering(seen -> Canned.of(200, "the owner's", "Cache-Control", "max-age=60"));
        get(relay, prefix + "page");

        HandMadeRegistrant other = new HandMadeRegistrant(relay.runtime().publicPort(), Map.of());
        started.add(other::closeBlocking);
        RelayMessage.Welcome welcome = other.register();
        assertNotNull(welcome.maxPublishBytes(), "the relay says it keeps copies");
        byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
        other.send(new RelayMessage.Publish(1, prefix, "/page", 200, List.of(), forged.length));
        other.send(forged);
        other.send(new RelayMessage.PublishEnd(1));
        RelayMessage.Stored refused = assertInstanceOf(RelayMessage.Stored.class, other.next());
        assertNotNull(refused.refused());
        other.send(new RelayMessage.Purge(2, prefix, null));
        RelayMessage.Purged notPurged = assertInstanceOf(RelayMessage.Purged.class, other.next());
        assertNotNull(notPurged.refused());

        assertEquals("the owner's", get(relay, prefix + "page").body());
        assertEquals(1, owner.requests(prefix + "page"), "still stored, untouched");

        String mine = "/" + "M".repeat(22) + "/";
        other.send(new RelayMessage.Add(mine));
        assertInstanceOf(RelayMessage.Added.class, other.next());
        other.send(new RelayMessage.Publish(3, mine, "/x", 200, List.of(List.of("Content-Type", "text/plain")), forged.length));
        other.send(forged);
        other.send(new RelayMessage.PublishEnd(3));
        assertNull(assertInstanceOf(RelayMessage.Stored.class, other.next()).refused(), "its own prefix: stored");
        assertEquals("forged", get(relay, mine + "x").body());
    }
}
