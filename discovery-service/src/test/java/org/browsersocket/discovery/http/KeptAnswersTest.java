package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hot key's answer to {@code GET /v1/values/{name}} is kept and reused, yet never hides a put, a
 * removal (through either API), an expiry or the TTL counting down. Each test first reads its key
 * a few times, so the answer is kept when the change comes.
 */
class KeptAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final EmbeddedDiscovery SERVICE = new EmbeddedDiscovery(new DiscoveryLimits(1000, 1000, 1L << 30, 8, 100));

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI url(String path) {
        return SERVICE.url(path);
    }

    private static void put(String name, Map<String, Object> body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/v1/values/" + name))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        assertEquals(0, JSON.readTree(response.body()).get("result").asInt(), response.body());
    }

    private static List<String> values(String name) throws Exception {
        JsonNode answer = JSON.readTree(send(HttpRequest.newBuilder(url("/v1/values/" + name))).body());
        List<String> values = new ArrayList<>();
        answer.get("values").forEach(v -> values.add(v.get("value").asText()));
        return values;
    }

    private static List<String> hot(String name) throws Exception {
        List<String> first = values(name);
        for (int i = 0; i < 5; i++) {
            assertEquals(first, values(name), "the same answer while nothing changes");
        }
        return first;
    }

    @Test
    void aPutIsInTheVeryNextAnswer() throws Exception {
        put("hot-put", Map.of("value", "first", "ttl", 600));
        assertEquals(List.of("first"), hot("hot-put"));
        for (int i = 0; i < 10; i++) {
            put("hot-put", Map.of("value", "more-" + i, "ttl", 600));
            assertEquals(i + 2, values("hot-put").size(), "after put " + i);
        }
    }

    @Test
    void aRemovalThroughTheJsonApiIsInTheVeryNextAnswer() throws Exception {
        put("hot-json-rm", Map.of("value", "leaving", "ttl", 600, "secret", "s"));
        put("hot-json-rm", Map.of("value", "staying", "ttl", 600));
        assertEquals(2, hot("hot-json-rm").size());
        HttpResponse<String> removed = send(HttpRequest.newBuilder(url("/v1/values/hot-json-rm/remove"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"leaving\",\"secret\":\"s\"}")));
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(List.of("staying"), values("hot-json-rm"));
    }

    @Test
    void aRemovalThroughXmlRpcIsInTheVeryNextJsonAnswer() throws Exception {
        put("hot-xml-rm", Map.of("value", "leaving", "ttl", 600, "secret", "s"));
        assertEquals(List.of("leaving"), hot("hot-xml-rm"));
        Base64.Encoder b64 = Base64.getEncoder();
        String rm = "<?xml version=\"1.0\"?><methodCall><methodName>rm</methodName><params>"
                + "<param><value><base64>" + b64.encodeToString(Directory.keyOf("hot-xml-rm")) + "</base64></value></param>"
                + "<param><value><base64>" + b64.encodeToString(Directory.sha1("leaving".getBytes(StandardCharsets.UTF_8)))
                + "</base64></value></param><param><value><string>SHA</string></value></param>"
                + "<param><value><base64>" + b64.encodeToString("s".getBytes(StandardCharsets.UTF_8)) + "</base64></value></param>"
                + "<param><value><int>60</int></value></param><param><value><string>test</string></value></param>"
                + "</params></methodCall>";
        HttpResponse<String> removed = send(HttpRequest.newBuilder(url("/RPC2")).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(rm)));
        assertTrue(removed.body().contains("<int>0</int>"), removed.body());
        assertEquals(List.of(), values("hot-xml-rm"));
    }

    @Test
    void anExpiredValueIsNotInAnyAnswerAfterItsExpiry() throws Exception {
        put("hot-expiry", Map.of("value", "lasting", "ttl", 600));
        put("hot-expiry", Map.of("value", "brief", "ttl", 1));
        long acknowledged = System.currentTimeMillis();
        assertEquals(2, hot("hot-expiry").size());
        // The server set the expiry to at most one second after the put was acknowledged (same clock).
        long expiredBy = acknowledged + 1000;
        long deadline = expiredBy + 5000;
        while (System.currentTimeMillis() < deadline) {
            long asked = System.currentTimeMillis();
            List<String> values = values("hot-expiry");
            if (asked > expiredBy) {
                assertEquals(List.of("lasting"), values, "asked " + (asked - expiredBy) + " ms after the expiry");
                return;
            }
            assertTrue(values.contains("lasting"));
        }
        throw new AssertionError("no answer after the expiry within the deadline");
    }

    @Test
    void theTtlShownCountsDownWhileTheAnswerIsReused() throws Exception {
        long sent = System.currentTimeMillis();
        put("hot-ttl", Map.of("value", "counting", "ttl", 600));
        long acknowledged = System.currentTimeMillis();
        long end = acknowledged + 2500;
        int answers = 0;
        while (System.currentTimeMillis() < end) {
            long asked = System.currentTimeMillis();
            JsonNode answer = JSON.readTree(send(HttpRequest.newBuilder(url("/v1/values/hot-ttl"))).body());
            long answered = System.currentTimeMillis();
            int ttl = answer.get("values").get(0).get("ttl").asInt();
            // Expiry lies in [sent, acknowledged] + 600 s; the server's now in [asked, answered].
            long least = ceilSeconds(sent + 600_000 - answered);
            long most = ceilSeconds(acknowledged + 600_000 - asked);
            assertTrue(ttl >= least && ttl <= most, "ttl " + ttl + " outside [" + least + ", " + most + "]");
            answers++;
        }
        assertTrue(answers > 10, "read often enough to be kept: " + answers);
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }
}
