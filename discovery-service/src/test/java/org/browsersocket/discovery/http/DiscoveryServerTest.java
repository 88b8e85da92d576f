package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.browsersocket.discovery.store.StoreLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

class DiscoveryServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final StoreLocation STORE = StoreLocation.parse(StoreLocation.DEFAULT);

    private static DiscoveryServer server;

    @BeforeAll
    static void startServer() throws CannotListenException {
        server = new DiscoveryServer(0, STORE);
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    private static URI uri(String host, String path) {
        return URI.create("http://" + host + ":" + server.port() + path);
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri("127.0.0.1", path))
                .method(method, BodyPublishers.noBody()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("")
                .startsWith("application/json"), () -> "not JSON: " + response.headers());
        return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void portZeroPicksARealFreePort() {
        assertTrue(server.port() > 0 && server.port() <= 65535, "port " + server.port());
    }

    @Test
    void healthzReportsOkAsJson() throws Exception {
        HttpResponse<String> response = send("GET", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals(Map.of("status", "ok", "service", "discovery-service"), json(response));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /",
        "POST, /",
        "POST, /RPC2",
        "GET, /values/some-name",
        "GET, /a/b/c",
        "GET, /healthz/",
        "GET, /healthz/more",
        "POST, /healthz",
        "POST, /values/some-name",
        "PUT, /x",
        "PATCH, /x",
        "DELETE, /x",
        "PROPFIND, /x",
    })
    void everythingButHealthzIsNotImplementedYet(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path);
        assertEquals(501, response.statusCode(), method + " " + path);
        assertEquals(Map.of("error",
                "not implemented yet: this service's API arrives in a later version"),
                json(response));
    }

    @ParameterizedTest
    @CsvSource({"GET, /healthz", "POST, /RPC2", "POST, /nothing/here", "OPTIONS, /healthz",
                "PROPFIND, /x", "HEAD, /healthz", "HEAD, /RPC2"})
    void everyResponseCarriesTheCorsHeader(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path);
        assertEquals(List.of("*"), response.headers().allValues("Access-Control-Allow-Origin"),
                method + " " + path + " -> " + response.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/RPC2", "/", "/any/path/at/all"})
    void optionsOnAnyPathIsAnsweredAsAPreflight(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("127.0.0.1", path))
                .method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://page.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("GET, POST, OPTIONS",
                response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        assertEquals("Content-Type",
                response.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
        assertEquals("600", response.headers().firstValue("Access-Control-Max-Age").orElse(null));
    }

    @Test
    void headOnHealthzSucceedsWithoutABody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void reachableOverIpv4AndIpv6Loopback(String host) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(host, "/healthz")).GET());
        assertEquals(200, response.statusCode());
        assertEquals("ok", json(response).get("status"));
    }

    @Test
    void startUpLinesNameEachBoundAddressWithTheActualPort() {
        int port = server.port();
        assertEquals(List.of(
                "discovery-service listening on http://0.0.0.0:" + port + " (IPv4)",
                "discovery-service listening on http://[::]:" + port + " (IPv6)"),
                server.listeningLines());
    }

    @Test
    void aBusyPortFailsFastWithTheReason() throws Exception {
        try (ServerSocket occupier = new ServerSocket(0)) {
            DiscoveryServer second = new DiscoveryServer(occupier.getLocalPort(), STORE);
            CannotListenException failure = assertThrows(CannotListenException.class, second::start);
            assertEquals(occupier.getLocalPort(), failure.port());
            assertTrue(failure.getMessage().startsWith(
                    "cannot listen on port " + occupier.getLocalPort() + ": "), failure.getMessage());
            assertThrows(IllegalStateException.class, second::port);
        }
    }

    @Test
    void stopReleasesThePort() throws Exception {
        DiscoveryServer other = new DiscoveryServer(0, STORE);
        other.start();
        int port = other.port();
        other.stop();
        try (ServerSocket rebind = new ServerSocket(port)) {
            assertEquals(port, rebind.getLocalPort());
        }
        other.stop(); // stopping twice is harmless
    }

    @Test
    void twoServersRunSideBySideInOneJvm() throws Exception {
        DiscoveryServer other = new DiscoveryServer(0, STORE);
        other.start();
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + other.port() + "/healthz")).build(),
                    BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(200, send("GET", "/healthz").statusCode());
        } finally {
            other.stop();
        }
    }
}
