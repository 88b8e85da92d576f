package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Puts per name and client, and the store's total, over HTTP from chosen client addresses. */
class WriteQuotasTest {
    @TempDir
    static Path data;
    /** 3 puts per name per minute; room for about three 500-byte values. */
    static DiscoveryServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new DiscoveryServer(Listen.everywhere(0), new StoreLocation.Embedded(data.resolve("store")),
                new DiscoveryLimits(1000, 3, 3 * 548 + 100, 8, 100));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** Status line and body of a POST from 127.0.0.{@code from}. */
    static String post(int from, String path, String contentType, String body) throws Exception {
        try (RawHttp client = RawHttp.connect(RawHttp.loopback(from), "127.0.0.1", server.port())) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return client.send("POST " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + bytes.length + "\r\n\r\n" + new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .readAll(Duration.ofSeconds(5));
        }
    }

    static String put(int from, String name, String value) throws Exception {
        return post(from, "/v1/values/" + name, "application/json", "{\"value\":\"" + value + "\",\"ttl\":60}");
    }

    static String xmlRpcPut(int from, String name, String value) throws Exception {
        byte[] key = java.security.MessageDigest.getInstance("SHA-1").digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return post(from, "/RPC2", "text/xml", "<methodCall><methodName>put</methodName><params>"
                + "<param><value><base64>" + Base64.getEncoder().encodeToString(key) + "</base64></value></param>"
                + "<param><value><base64>" + Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "</base64></value></param><param><value><int>60</int></value></param>"
                + "<param><value><string>test</string></value></param></params></methodCall>");
    }

    @Test
    void oneClientMayPutToOneNameOnlySoOftenWhileOtherNamesAndClientsGoOn() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertTrue(put(21, "lobby", "room " + i).startsWith("HTTP/1.1 200 "));
        }
        String refused = put(21, "lobby", "junk room");
        assertTrue(refused.startsWith("HTTP/1.1 429 "), refused);
        assertTrue(refused.contains("Retry-After: 60"), refused);
        assertTrue(refused.contains("{\"error\":\"rate limit exceeded: at most 3 puts to one name per minute from one address\"}"),
                refused);
        String fault = xmlRpcPut(21, "lobby", "junk over XML-RPC");
        assertTrue(fault.contains("<int>5</int>") && fault.contains("at most 3 puts to one name per minute"), fault);

        assertTrue(put(21, "another-name", "fine").startsWith("HTTP/1.1 200 "), "other names are not limited");
        assertTrue(put(22, "lobby", "a real room").startsWith("HTTP/1.1 200 "), "other clients are not limited");
    }

    @Test
    void aFullStoreRefusesPutsWith507AndXmlRpcOverCapacityButStillServesReads() throws Exception {
        String big = "x".repeat(500);
        int stored = 0;
        String last = "";
        for (int i = 0; i < 6 && !last.startsWith("HTTP/1.1 507 "); i++) {
            last = put(30 + i, "big-" + i, big + i);
            stored += last.startsWith("HTTP/1.1 200 ") ? 1 : 0;
        }
        assertTrue(stored >= 1 && stored <= 3, "stored " + stored);
        assertTrue(last.startsWith("HTTP/1.1 507 "), last);
        assertTrue(last.contains("{\"error\":\"the service's storage is full; try again later (values expire and make room)\"}"), last);
        String overCapacity = xmlRpcPut(40, "big-xml", big);
        assertTrue(overCapacity.contains("<params><param><value><int>1</int></value></param></params>"), overCapacity);
        try (RawHttp reader = RawHttp.connect(InetAddress.getLoopbackAddress(), "127.0.0.1", server.port())) {
            assertEquals(200, reader.send("GET /v1/values/big-0 HTTP/1.1\r\nHost: test\r\n\r\n").status(Duration.ofSeconds(5)));
        }
    }
}
