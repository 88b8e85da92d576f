package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.signed.SignedUpdates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON API over real HTTP, on the embedded store: what a browser page uses. */
class JsonApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final EmbeddedDiscovery SERVICE = new EmbeddedDiscovery(new DiscoveryLimits(1000, 1000, 1L << 30, 8, 100));

    static String url(String path) {
        return SERVICE.url(path).toString();
    }

    static HttpResponse<String> post(String path, Object body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null), "CORS on every answer");
        return JSON.readTree(response.body());
    }

    @Test
    void advertisedValuesAreListedWithTheirTtlAndRemovability() throws Exception {
        assertEquals(0, json(post("/v1/values/room%20list", Map.of("value", "room A", "ttl", 600))).get("result").asInt());
        assertEquals(0, json(post("/v1/values/room%20list", Map.of("value", "room B", "ttl", 600, "secret", "s3cret"))).get("result").asInt());
        JsonNode values = json(get("/v1/values/room%20list")).get("values");
        assertEquals(2, values.size());
        for (JsonNode v : values) {
            assertTrue(v.get("ttl").asInt() > 590 && v.get("ttl").asInt() <= 600);
            assertEquals(v.get("value").asText().equals("room B"), v.get("removable").asBoolean());
        }
    }

    @Test
    void aValueIsWithdrawnWithItsSecretAndNotWithAnother() throws Exception {
        post("/v1/values/withdraw-me", Map.of("value", "mine", "ttl", 600, "secret", "right"));
        HttpResponse<String> wrong = post("/v1/values/withdraw-me/remove", Map.of("value", "mine", "secret", "wrong"));
        assertEquals(400, wrong.statusCode());
        assertTrue(json(wrong).get("error").asText().contains("wrong secret"));
        assertEquals(1, json(get("/v1/values/withdraw-me")).get("values").size());
        assertEquals(200, post("/v1/values/withdraw-me/remove", Map.of("value", "mine", "secret", "right")).statusCode());
        assertEquals(0, json(get("/v1/values/withdraw-me")).get("values").size());
    }

    @Test
    void pagingFollowsThePlacemarkToTheEnd() throws Exception {
        for (int i = 0; i < 12; i++) {
            post("/v1/values/paged", Map.of("value", "v" + i, "ttl", 600));
        }
        int seen = 0;
        String placemark = "";
        do {
            JsonNode page = json(get("/v1/values/paged?max=5" + (placemark.isEmpty() ? "" : "&placemark=" + placemark)));
            seen += page.get("values").size();
            placemark = page.get("placemark").asText();
        } while (!placemark.isEmpty());
        assertEquals(12, seen);
    }

    @Test
    void badInputIsRefusedWithAClearErrorAndStoresNothing() throws Exception {
        Object[][] cases = {
            {Map.of("value", "x", "ttl", 0), "ttl"},
            {Map.of("value", "x", "ttl", 604_801), "ttl"},
            {Map.of("value", "x".repeat(1025), "ttl", 60), "value"},
            {Map.of("ttl", 60), "value"},
            {Map.of("value", "x"), "ttl"},
            {Map.of("base64", "%%%", "ttl", 60), "base64"},
        };
        for (Object[] c : cases) {
            HttpResponse<String> response = post("/v1/values/strict", c[0]);
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(json(response).get("error").asText().contains((String) c[1]), response.body());
        }
        HttpResponse<String> notJson = CLIENT.send(HttpRequest.newBuilder(URI.create(url("/v1/values/strict")))
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, notJson.statusCode());
        assertEquals("HTTP/1.1 413", statusOfHugePost("/v1/values/strict"));
        assertEquals(0, json(get("/v1/values/strict")).get("values").size());
    }

    @Test
    void watchStreamsExistingAndNewValuesAndTheirDeparture() throws Exception {
        post("/v1/values/lobby-test", Map.of("value", "first", "ttl", 600, "secret", "k"));
        HttpResponse<java.io.InputStream> stream = CLIENT.send(HttpRequest.newBuilder(URI.create(url("/v1/watch/lobby-test"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && event != null) {
                        events.add(event + " " + line.substring(6));
                    }
                }
            } catch (java.io.IOException ignored) {
                // stream closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertTrue(awaitEvent(events, "\"value\":\"first\"").startsWith("value "), "existing values come first");
        post("/v1/values/lobby-test", Map.of("value", "second", "ttl", 600));
        String second = awaitEvent(events, "\"value\":\"second\"");
        assertTrue(second.startsWith("value "));
        post("/v1/values/lobby-test/remove", Map.of("value", "first", "secret", "k"));
        assertTrue(awaitEvent(events, "hash").startsWith("gone "));
        stream.body().close();
    }

    /**
     * Sends a 70 kB body on a plain socket and reads the status line. (java.net.http may report a
     * reset instead of the status when the service answers 413 and closes while it still writes.)
     */
    static String statusOfHugePost(String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", SERVICE.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 70000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[70_000]); // fits the socket buffers: the write completes
            return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    static String awaitEvent(BlockingQueue<String> events, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && event.contains(containing)) {
                return event;
            }
        }
        throw new AssertionError("no event containing " + containing);
    }

    // ---- signed values

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static Map<String, Object> signedUpdate(KeyPair key, String label, String value, long sequence) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
        signer.initSign(key.getPrivate());
        signer.update(SignedUpdates.message(label, value.getBytes(StandardCharsets.UTF_8), sequence));
        return Map.of("publicKey", Base64.getEncoder().encodeToString(key.getPublic().getEncoded()), "value", value,
                "sequence", sequence, "signature", Base64.getEncoder().encodeToString(signer.sign()));
    }

    static String principal(KeyPair key) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(key.getPublic().getEncoded()));
    }

    @Test
    void aValidSignedUpdateIsServedUnderItsPrincipalAndAnyPrefixOfIt() throws Exception {
        KeyPair owner = keyPair();
        JsonNode stored = json(post("/v1/signed/homepage", signedUpdate(owner, "homepage", "ws://203.0.113.7:7041/abc/", 1)));
        assertEquals(principal(owner), stored.get("principal").asText());
        HttpResponse<String> full = get("/value/" + principal(owner) + "/homepage");
        assertEquals(200, full.statusCode());
        assertEquals("ws://203.0.113.7:7041/abc/", full.body());
        assertEquals("1", full.headers().firstValue("X-Sequence").orElse(""));
        assertEquals("ws://203.0.113.7:7041/abc/", get("/value/" + principal(owner).substring(0, 12) + "/homepage").body());
        json(post("/v1/signed/homepage", signedUpdate(owner, "homepage", "moved", 2)));
        assertEquals("moved", get("/value/" + principal(owner) + "/homepage").body());
    }

    @Test
    void badSignaturesReplaysRollbacksAndOtherKeysAreRefused() throws Exception {
        KeyPair owner = keyPair();
        KeyPair other = keyPair();
        json(post("/v1/signed/profile", signedUpdate(owner, "profile", "v5", 5)));

        Map<String, Object> tampered = new java.util.HashMap<>(signedUpdate(owner, "profile", "v6", 6));
        tampered.put("value", "v6-tampered");
        assertEquals(400, post("/v1/signed/profile", tampered).statusCode());

        HttpResponse<String> replay = post("/v1/signed/profile", signedUpdate(owner, "profile", "v5 again", 5));
        assertEquals(400, replay.statusCode());
        assertTrue(json(replay).get("error").asText().contains("not higher"));
        assertEquals(400, post("/v1/signed/profile", signedUpdate(owner, "profile", "old", 4)).statusCode());

        Map<String, Object> wrongKey = new java.util.HashMap<>(signedUpdate(other, "profile", "hijack", 99));
        wrongKey.put("publicKey", Base64.getEncoder().encodeToString(owner.getPublic().getEncoded()));
        assertEquals(400, post("/v1/signed/profile", wrongKey).statusCode(), "a signature by another key does not verify");

        // Another key writes under its own principal, never the owner's.
        json(post("/v1/signed/profile", signedUpdate(other, "profile", "theirs", 1)));
        assertEquals("v5", get("/value/" + principal(owner) + "/profile").body());
        assertNotEquals(principal(owner), principal(other));
        assertEquals(409, get("/value/profile").statusCode(), "an empty prefix now matches two owners");
        assertEquals(404, get("/value/" + principal(owner) + "/nothing-here").statusCode());
    }

    @Test
    void signedValueLookupRejectsANonHexPrincipal() throws Exception {
        assertEquals(400, get("/value/xyz/label").statusCode());
    }
}
