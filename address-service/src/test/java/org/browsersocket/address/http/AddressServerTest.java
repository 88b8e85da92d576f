package org.browsersocket.address.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RawHttp;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The address service over real sockets from 127.0.0.1 and ::1 (DESIGN §4). */
class AddressServerTest {

    @RegisterExtension
    static final RunningServer<AddressServer> ADDRESS = new RunningServer<>(() -> new AddressServer(0, List.of()));

    /** Trusts 127.0.0.0/8 only: requests from ::1 are untrusted. */
    @RegisterExtension
    static final RunningServer<AddressServer> BEHIND_PROXY = new RunningServer<>(
            () -> new AddressServer(0, List.of(TrustedProxy.parse("127.0.0.0/8"))));

    /** Trusts 127.0.0.0/8, whose proxies append to Forwarded (RFC 7239). */
    @RegisterExtension
    static final RunningServer<AddressServer> BEHIND_FORWARDED_PROXY = new RunningServer<>(
            () -> new AddressServer(Listen.everywhere(0), List.of(TrustedProxy.parse("127.0.0.0/8")),
                    ForwardingHeader.FORWARDED));

    static HttpResponse<String> get(RunningServer<?> server, String host, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(host, path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Http.send(request.GET());
    }

    static void assertCors(HttpResponse<String> response) {
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null), response.uri().toString());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
    }

    @Test
    void callerOver127001IsToldItsIpv4Address() throws Exception {
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", "/address");
        Map<String, Object> body = Http.json(response);
        assertEquals("127.0.0.1", body.get("ip"));
        assertEquals(4, body.get("version"));
        assertTrue((Integer) body.get("port") > 0);
        assertEquals(null, body.get("teredo"));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertCors(response);
    }

    @Test
    void callerOverIpv6LoopbackIsToldItsIpv6Address() throws Exception {
        Map<String, Object> body = Http.json(get(ADDRESS, "[::1]", "/address"));
        assertEquals("::1", body.get("ip"));
        assertEquals(6, body.get("version"));
    }

    @Test
    void formatTextGivesJustTheAddress() throws Exception {
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", "/address?format=text");
        assertEquals("127.0.0.1\n", response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertCors(response);
    }

    @Test
    void teredoAddressIsDecodedIntoItsParts() throws Exception {
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", "/teredo/2001:0:4136:e378:8000:63bf:3fff:fdd2");
        assertEquals(Map.of("address", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "server", "65.54.227.120",
                "client", "192.0.2.45", "port", 40000, "cone", true, "flags", "8000"), Http.json(response));
        assertCors(response);
        assertEquals("203.0.113.77", Http.json(get(ADDRESS, "127.0.0.1", "/teredo/2001:0:c633:6401:0:37dd:34ff:8eb2")).get("client"));
    }

    @ParameterizedTest
    @CsvSource({
        "/teredo/2001:db8::1, not a Teredo address",
        "/teredo/not-an-address, not an IPv6 address",
        "/teredo/192.0.2.1, not an IPv6 address",
        "/teredo/2001:0:4136:e378:8000:63bf:3fff:fdd2:1, not an IPv6 address",
    })
    void nonTeredoOrMalformedAddressesGet400WithAJsonError(String path, String error) throws Exception {
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", path);
        assertEquals(400, response.statusCode());
        assertTrue(String.valueOf(Http.json(response).get("error")).startsWith(error), response.body());
        assertCors(response);
    }

    @Test
    void longGarbageInTheTeredoPathIsRefusedWithoutBeingEchoed() throws Exception {
        String garbage = "%3Cscript%3E" + "x".repeat(4000);
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", "/teredo/" + garbage);
        assertEquals(400, response.statusCode());
        assertTrue(!response.body().contains("script") && !response.body().contains("xxxx"), response.body());
    }

    @Test
    void unknownPathsGet404AndOtherMethods405BothAsJsonWithCors() throws Exception {
        HttpResponse<String> missing = get(ADDRESS, "127.0.0.1", "/nope");
        assertEquals(404, missing.statusCode());
        Http.json(missing);
        assertCors(missing);
        for (String method : List.of("POST", "PUT", "DELETE", "PROPFIND")) {
            HttpResponse<String> refused = ADDRESS.send(method, "/address");
            assertEquals(405, refused.statusCode(), method);
            Http.json(refused);
            assertCors(refused);
        }
    }

    @Test
    void preflightIsAnsweredWithMethodsHeadersAndMaxAge() throws Exception {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(ADDRESS.uri("127.0.0.1", "/address"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://page.example").header("Access-Control-Request-Method", "GET"));
        assertEquals(204, response.statusCode());
        assertCors(response);
        assertTrue(response.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));
        assertTrue(response.headers().firstValue("Access-Control-Allow-Headers").isPresent());
        assertTrue(response.headers().firstValue("Access-Control-Max-Age").isPresent());
    }

    @Test
    void absurdlyLongPathsAndHeadersGet4xxJsonWithCors() throws Exception {
        String longPath = "/" + "a".repeat(20_000);
        String response = raw(ADDRESS.server().port(), "GET " + longPath + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 414"), response);
        assertTrue(response.contains("Access-Control-Allow-Origin: *"), response);
        assertTrue(response.contains("{\"error\":\"414"), response);
        String bigHeader = raw(ADDRESS.server().port(), "GET /address HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertTrue(bigHeader.startsWith("HTTP/1.1 431"), bigHeader);
        assertTrue(bigHeader.contains("Access-Control-Allow-Origin: *"), bigHeader);
        assertTrue(!bigHeader.contains("bbbb"), "the header is not echoed");
        assertEquals(200, get(ADDRESS, "127.0.0.1", "/address").statusCode(), "the service keeps serving");
    }

    @Test
    void forwardingHeadersFromATrustedProxyAreHonoured() throws Exception {
        Map<String, Object> body = Http.json(get(BEHIND_PROXY, "127.0.0.1", "/address",
                "X-Forwarded-For", "198.51.100.99, 203.0.113.7"));
        assertEquals("203.0.113.7", body.get("ip"));
        assertEquals(4, body.get("version"));
        body = Http.json(get(BEHIND_FORWARDED_PROXY, "127.0.0.1", "/address", "Forwarded", "for=\"[2001:0:4136:e378:8000:63bf:3fff:fdd2]:40000\""));
        assertEquals(6, body.get("version"));
        assertEquals(40000, body.get("port"));
        assertEquals("192.0.2.45", ((Map<?, ?>) body.get("teredo")).get("client"));
    }

    @Test
    void aForwardedHeaderTheClientAddedBesideTheProxysXForwardedForCannotForgeTheAnswer() throws Exception {
        // The proxy appends the real client to X-Forwarded-For and passes the client's own Forwarded
        // header through: a forged Teredo address there must neither be the answer nor be decoded.
        Map<String, Object> body = Http.json(get(BEHIND_PROXY, "127.0.0.1", "/address",
                "Forwarded", "for=\"[2001:0:4136:e378:8000:63bf:3fff:fdd2]:40000\"",
                "X-Forwarded-For", "203.0.113.7"));
        assertEquals("203.0.113.7", body.get("ip"));
        assertEquals(null, body.get("teredo"));
        assertEquals(null, body.get("port"));
        // And the other way round, behind a proxy that appends to Forwarded.
        body = Http.json(get(BEHIND_FORWARDED_PROXY, "127.0.0.1", "/address",
                "X-Forwarded-For", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "Forwarded", "for=203.0.113.8"));
        assertEquals("203.0.113.8", body.get("ip"));
        assertEquals(null, body.get("teredo"));
    }

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        assertEquals("::1", Http.json(get(BEHIND_PROXY, "[::1]", "/address", "X-Forwarded-For", "203.0.113.7")).get("ip"));
        assertEquals("127.0.0.1", Http.json(get(ADDRESS, "127.0.0.1", "/address", "X-Forwarded-For", "203.0.113.7")).get("ip"));
    }

    @Test
    void aTrustedProxyIsNotHeldToOneClientsShareOfConnections() throws Exception {
        // Every request through a proxy comes from the proxy's address: it carries many clients.
        assertEquals(List.of(200), statusesOf70ConnectionsFrom127001(BEHIND_PROXY));
        assertTrue(statusesOf70ConnectionsFrom127001(ADDRESS).contains(429), "an ordinary client is capped at 64");
    }

    /** The distinct statuses of a request on each of 70 connections held open at once. */
    static List<Integer> statusesOf70ConnectionsFrom127001(RunningServer<AddressServer> server) throws Exception {
        List<RawHttp> connections = new java.util.ArrayList<>();
        try {
            java.util.Set<Integer> statuses = new java.util.TreeSet<>();
            for (int i = 0; i < 70; i++) {
                RawHttp connection = RawHttp.connect(server.server().port());
                connections.add(connection);
                statuses.add(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").status(java.time.Duration.ofSeconds(5)));
            }
            return List.copyOf(statuses);
        } finally {
            for (RawHttp connection : connections) {
                connection.close();
            }
        }
    }

    @Test
    void malformedForwardingHeadersAreIgnoredAndNeverEchoed() throws Exception {
        HttpResponse<String> response = get(BEHIND_PROXY, "127.0.0.1", "/address", "X-Forwarded-For", "<img src=x onerror=alert(1)>");
        assertEquals("127.0.0.1", Http.json(response).get("ip"));
        assertTrue(!response.body().contains("img"));
    }

    @Test
    void homePageExplainsTheApiAndShowsTheCallersAnswer() throws Exception {
        HttpResponse<String> response = get(ADDRESS, "127.0.0.1", "/");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("GET /address"));
        assertTrue(response.body().contains("<code>127.0.0.1</code>"));
        assertCors(response);
    }

    @Test
    void healthzNamesAddressService() throws Exception {
        assertEquals(Map.of("status", "ok", "service", "address-service"), Http.json(ADDRESS.send("GET", "/healthz")));
    }

    /** Writes a request on a plain socket (to send what java.net.http refuses to) and reads the reply. */
    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
        }
    }
}
