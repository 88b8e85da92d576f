package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.testing.JavaPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DESIGN §6 on the control endpoint: loopback only, Host must be loopback, only allowed origins listen (ConsentTest: the user's answers). */
class SecurityTest {
    static final String ORIGIN = "http://localhost:8080";
    private HostRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(ORIGIN));
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    @Test
    void controlRequestsNamingANonLoopbackHostAreRefused() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        // java.net.http refuses to set Host; a raw socket can, as a rebinding browser would.
        try (var socket = new java.net.Socket("127.0.0.1", runtime.controlPort())) {
            socket.getOutputStream().write("GET /browsersocket.js HTTP/1.1\r\nHost: attacker.example:7040\r\n\r\n".getBytes());
            String status = new String(socket.getInputStream().readNBytes(12));
            assertEquals("HTTP/1.1 403", status);
        }
        var ok = client.send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/browsersocket.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals("no-store", ok.headers().firstValue("cache-control").orElse(""));
    }

    @Test
    void controlEndpointIsBoundToLoopbackOnly() {
        assertTrue(runtime.controlAddress().getAddress().isLoopbackAddress());
    }

    @Test
    void sandboxedPagesWhoseOriginIsNullAreRefusedSayingWhy() throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), "null");
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertTrue(error.fatal());
        assertTrue(error.reason().contains("only http and https sites can be allowed"), error.reason());
        assertEquals(1008, page.closedFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void pageWithoutAnOriginIsRefused() throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), (String) null);
        assertTrue(page.expect(ControlMessage.Error.class).reason().contains("no Origin header"));
    }
}
