package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RawHttp;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import spark.Service;

class ServiceServerTest {

    private static final String NAME = "test-service";

    /** A service with routes of its own: one that answers and one that fails. */
    private static final class WithRoutes extends ServiceServer {
        WithRoutes() {
            super(NAME, 0);
        }

        @Override
        protected void addRoutes(Service http) {
            http.get("/hello", (request, response) -> {
                response.type(JsonReplies.CONTENT_TYPE);
                return JsonReplies.health("hello");
            });
            http.get("/param", (request, response) -> {
                response.type(JsonReplies.CONTENT_TYPE);
                return JsonReplies.health(String.valueOf(request.queryParams("x")));
            });
            http.get("/named/:name", (request, response) -> {
                response.type(JsonReplies.CONTENT_TYPE);
                return JsonReplies.health(request.params(":name"));
            });
            http.get("/broken", (request, response) -> {
                throw new IllegalStateException("a route that fails (expected in this test)");
            });
        }
    }

    @RegisterExtension
    static final RunningServer<ServiceServer> SERVER = new RunningServer<>(WithRoutes::new);

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return SERVER.send(method, path);
    }

    @Test
    void portZeroPicksARealFreePort() {
        int port = SERVER.server().port();
        assertTrue(port > 0 && port <= 65535, "port " + port);
    }

    @Test
    void healthzReportsOkAndTheServiceNameAsJson() throws Exception {
        HttpResponse<String> response = send("GET", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\",\"service\":\"test-service\"}", response.body());
        assertEquals(Map.of("status", "ok", "service", NAME), Http.json(response));
    }

    @Test
    void headOnHealthzSucceedsWithoutABody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/healthz");
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void routesTheServiceAddsAreAnswered() throws Exception {
        HttpResponse<String> response = send("GET", "/hello");
        assertEquals(200, response.statusCode());
        assertEquals(Map.of("status", "ok", "service", "hello"), Http.json(response));
    }

    @Test
    void aRouteThatFailsAnswers500WithAJsonErrorAndCors() throws Exception {
        HttpResponse<String> response = send("GET", "/broken");
        assertEquals(500, response.statusCode());
        assertEquals(Map.of("error", "internal error"), Http.json(response));
        assertEquals(List.of("*"), response.headers().allValues("Access-Control-Allow-Origin"));
    }

    @Test
    void aMalformedQueryStringIs400NotAServerError() throws Exception {
        try (RawHttp client = RawHttp.connect(SERVER.server().port())) {
            String response = client.send("GET /param?x=%zz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .readAll(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("{\"error\":\"malformed request (400 Bad Request)"), response);
            assertTrue(response.contains("Access-Control-Allow-Origin: *"), response);
        }
        assertEquals(Map.of("status", "ok", "service", "%"), Http.json(send("GET", "/param?x=%25")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C3%28", "%ED%A0%80", "%FF", "a%E2%82"})
    void aPathWhoseEscapesAreNotUtf8Is400NotAServerError(String name) throws Exception {
        HttpResponse<String> response = send("GET", "/named/" + name);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(Map.of("error", "malformed request (400 Bad Request): the path's %-escapes are not UTF-8"),
                Http.json(response));
        assertEquals(Map.of("status", "ok", "service", "caf\u00e9"), Http.json(send("GET", "/named/caf%C3%A9")));
    }

    /** CVE-2023-40167: Jetty before 9.4.52 took {@code Content-Length: +5} for 5. */
    @ParameterizedTest
    @ValueSource(strings = {"+5", "-5", " 5x", "0x5"})
    void aContentLengthThatIsNotDigitsIsRefusedWith400(String length) throws Exception {
        try (RawHttp client = RawHttp.connect(SERVER.server().port())) {
            String response = client.send("POST /hello HTTP/1.1\r\nHost: test\r\nContent-Length: " + length
                    + "\r\n\r\nhello").readAll(Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("application/json"), response);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /",
        "GET, /a/b/c",
        "GET, /healthz/",
        "GET, /healthz/more",
        "GET, /hello/more",
        "POST, /healthz",
        "POST, /hello",
        "POST, /",
        "PUT, /x",
        "PATCH, /x",
        "DELETE, /x",
        "PROPFIND, /x",
    })
    void everythingElseIs404Or405WithAJsonError(String method, String path) throws Exception {
        Http.assertUnmatched(send(method, path));
    }

    @ParameterizedTest
    @CsvSource({"GET, /healthz", "GET, /hello", "POST, /nothing/here", "OPTIONS, /healthz",
                "PROPFIND, /x", "HEAD, /healthz", "HEAD, /nothing/here"})
    void everyResponseCarriesTheCorsHeader(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path);
        assertEquals(List.of("*"), response.headers().allValues("Access-Control-Allow-Origin"),
                method + " " + path + " -> " + response.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthz", "/hello", "/", "/any/path/at/all"})
    void optionsOnAnyPathIsAnsweredAsAPreflight(String path) throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri("127.0.0.1", path))
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

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void reachableOverIpv4AndIpv6Loopback(String host) throws Exception {
        HttpResponse<String> response = Http.send("GET", SERVER.uri(host, "/healthz"));
        assertEquals(200, response.statusCode());
        assertEquals("ok", Http.json(response).get("status"));
    }

    @Test
    void startUpLinesNameEachBoundAddressWithTheActualPort() {
        int port = SERVER.server().port();
        assertEquals(List.of(
                "test-service listening on http://0.0.0.0:" + port + " (IPv4)",
                "test-service listening on http://[::]:" + port + " (IPv6)"),
                SERVER.server().listeningLines());
    }

    @Test
    void aServerThatIsNotRunningHasNoPortAndNothingToPrint() {
        ServiceServer idle = new ServiceServer(NAME, 0);
        assertEquals(List.of(), idle.listeningLines());
        IllegalStateException e = assertThrows(IllegalStateException.class, idle::port);
        assertEquals("test-service is not running", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536})
    void aPortOutOfRangeIsRefusedAtOnce(int port) {
        assertThrows(IllegalArgumentException.class, () -> new ServiceServer(NAME, port));
    }

    @Test
    void aRunningServerCannotBeStartedAgain() {
        assertThrows(IllegalStateException.class, SERVER.server()::start);
    }

    @Test
    void aBusyPortFailsFastWithTheReason() throws Exception {
        try (ServerSocket occupier = new ServerSocket(0)) {
            ServiceServer second = new ServiceServer(NAME, occupier.getLocalPort());
            CannotListenException failure = assertThrows(CannotListenException.class, second::start);
            assertEquals(occupier.getLocalPort(), failure.port());
            assertTrue(failure.getMessage().startsWith(
                    "cannot listen on port " + occupier.getLocalPort() + ": "), failure.getMessage());
            assertThrows(IllegalStateException.class, second::port);
        }
    }

    @Test
    void stopReleasesThePort() throws Exception {
        ServiceServer other = new ServiceServer(NAME, 0);
        other.start();
        int port = other.port();
        other.stop();
        try (ServerSocket rebind = new ServerSocket(port)) {
            assertEquals(port, rebind.getLocalPort());
        }
        other.stop(); // stopping twice is harmless
        assertThrows(IllegalStateException.class, other::port);
    }

    @Test
    void twoServersRunSideBySideInOneJvm() throws Exception {
        ServiceServer other = new ServiceServer("other-service", 0);
        other.start();
        try {
            HttpResponse<String> response = Http.send("GET",
                    URI.create("http://127.0.0.1:" + other.port() + "/healthz"));
            assertEquals(Map.of("status", "ok", "service", "other-service"), Http.json(response));
            assertEquals(Map.of("status", "ok", "service", NAME),
                    Http.json(send("GET", "/healthz")));
        } finally {
            other.stop();
        }
    }
}
