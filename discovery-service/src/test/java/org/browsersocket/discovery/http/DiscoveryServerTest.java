package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** discovery-service's own HTTP answers: XML-RPC at / and /RPC2, 404/405, limits. */
class DiscoveryServerTest {
    private static Path data;
    private static DiscoveryServer server;
    private static DiscoveryServer strict;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("discovery-server-test");
        server = new DiscoveryServer(0, new StoreLocation.Embedded(data.resolve("a")), 1000);
        server.start();
        strict = new DiscoveryServer(0, new StoreLocation.Embedded(data.resolve("b")), 1); // 1 write/s, bursts of 10
        strict.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        strict.stop();
    }

    static HttpResponse<String> post(DiscoveryServer to, String path, String contentType, String body) throws Exception {
        return Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String xmlRpcGet() {
        return "<?xml version=\"1.0\"?><methodCall><methodName>get</methodName><params>"
                + "<param><value><base64>a2V5</base64></value></param><param><value><int>10</int></value></param>"
                + "<param><value><base64></base64></value></param><param><value><string>test</string></value></param>"
                + "</params></methodCall>";
    }

    @Test
    void healthzNamesDiscoveryService() throws Exception {
        Map<String, Object> health = Http.json(Http.send("GET", URI.create("http://127.0.0.1:" + server.port() + "/healthz")));
        assertEquals("discovery-service", health.get("service"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/RPC2"})
    void xmlRpcIsServedAtRootAndRpc2(String path) throws Exception {
        HttpResponse<String> response = post(server, path, "text/xml", xmlRpcGet());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        assertTrue(response.body().contains("<methodResponse>") && response.body().contains("<array>"), response.body());
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void getRootIsAPageDescribingTheApisWhilePostRootStaysXmlRpc() throws Exception {
        HttpResponse<String> page = Http.send("GET", URI.create("http://127.0.0.1:" + server.port() + "/"));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String part : new String[] {"POST /v1/values/{name}", "GET /v1/watch/{name}", "put_removable(",
                                         "id=\"lookup-name\"", "EventSource"}) {
            assertTrue(page.body().contains(part), part);
        }
    }

    @Test
    void unknownPathsGet404AndUnknownMethods405() throws Exception {
        assertEquals(404, Http.send("GET", URI.create("http://127.0.0.1:" + server.port() + "/nope")).statusCode());
        assertEquals(405, Http.send("DELETE", URI.create("http://127.0.0.1:" + server.port() + "/v1/values/x")).statusCode());
    }

    static String xmlRpcPut(String value) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>put</methodName><params>"
                + "<param><value><base64>a2V5</base64></value></param>"
                + "<param><value><base64>" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
                + "</base64></value></param><param><value><int>60</int></value></param>"
                + "<param><value><string>test</string></value></param></params></methodCall>";
    }

    @Test
    void writesOverTheClientsRateAreRefusedWith429AndAFaultWhileItsReadsAreStillServed() throws Exception {
        int refused = 0;
        for (int i = 0; i < 25; i++) {
            // A name per write: only the writes-per-second limit is in play.
            HttpResponse<String> response = post(strict, "/v1/values/rate-" + i, "application/json",
                    "{\"value\":\"v" + i + "\",\"ttl\":60}");
            if (response.statusCode() == 429) {
                refused++;
                assertEquals("rate limit exceeded: 1 writes per second per client (bursts of 10)",
                        Http.json(response).get("error"));
                assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
            }
        }
        assertTrue(refused >= 10, "a burst of 10 then 1 per second: most of 25 quick writes are refused");
        HttpResponse<String> fault = post(strict, "/RPC2", "text/xml", xmlRpcPut("over the rate"));
        assertTrue(fault.body().contains("<fault>") && fault.body().contains("<int>5</int>")
                && fault.body().contains("rate limit exceeded"), fault.body());

        // Reads are not writes: the same client still gets them, by JSON and by XML-RPC.
        HttpResponse<String> read = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.port()
                + "/v1/values/rate-0")));
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(1, ((java.util.List<?>) Http.json(read).get("values")).size());
        HttpResponse<String> xmlRead = post(strict, "/RPC2", "text/xml", xmlRpcGet());
        assertTrue(xmlRead.body().contains("<params>") && !xmlRead.body().contains("<fault>"), xmlRead.body());
    }

    @Test
    void aServerNeedsAStore() {
        assertThrows(NullPointerException.class, () -> new DiscoveryServer(0, null));
    }
}
