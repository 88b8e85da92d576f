package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;

import org.browsersocket.service.testing.Http;
import org.junit.jupiter.api.Test;

/** A server listens on the addresses it is given and nowhere else. */
class BoundAddressesTest {

    private static final String NAME = "test-service";

    static ServiceServer started(String... addresses) throws Exception {
        List<BindAddress> bind = java.util.Arrays.stream(addresses).map(BindAddress::parse).toList();
        ServiceServer server = new ServiceServer(NAME, new Listen(bind, 0, ServerLimits.DEFAULTS));
        server.start();
        return server;
    }

    static int status(String host, int port) throws Exception {
        return Http.send("GET", URI.create("http://" + host + ":" + port + "/healthz")).statusCode();
    }

    static void assertRefused(String host, int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2_000);
            }
        }, host + " must not be listened on");
    }

    @Test
    void aServerBoundTo127001AnswersThereAndNowhereElse() throws Exception {
        ServiceServer server = started("127.0.0.1");
        try {
            int port = server.port();
            assertEquals(List.of(NAME + " listening on http://127.0.0.1:" + port + " (IPv4)"), server.listeningLines());
            assertEquals(200, status("127.0.0.1", port));
            assertRefused("127.0.0.2", port);
            assertRefused("::1", port);
        } finally {
            server.stop();
        }
    }

    @Test
    void severalAddressesShareOnePortChosenOnce() throws Exception {
        ServiceServer server = started("127.0.0.1", "::1");
        try {
            int port = server.port();
            assertEquals(List.of(NAME + " listening on http://127.0.0.1:" + port + " (IPv4)",
                    NAME + " listening on http://[::1]:" + port + " (IPv6)"), server.listeningLines());
            assertEquals(200, status("127.0.0.1", port));
            assertEquals(200, status("[::1]", port));
            assertRefused("127.0.0.2", port);
        } finally {
            server.stop();
        }
    }

    @Test
    void anAddressThisMachineDoesNotHaveFailsFastWithTheReason() {
        ServiceServer server = new ServiceServer(NAME,
                new Listen(List.of(BindAddress.parse("192.0.2.1")), 0, ServerLimits.DEFAULTS));
        CannotListenException e = assertThrows(CannotListenException.class, server::start);
        assertTrue(e.getMessage().startsWith("cannot listen on port 0: "), e.getMessage());
        assertEquals(List.of(), server.listeningLines());
    }
}
