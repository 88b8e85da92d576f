package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.browsersocket.service.testing.RawHttp;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One client's connections are capped; other clients and exempt peers are served regardless. */
class ClientConnectionCapTest {

    static final ServerLimits LIMITS = new ServerLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), 1024, 4, 1000, 16);
    static final InetAddress EXEMPT = RawHttp.loopback(50);

    @RegisterExtension
    static final RunningServer<ServiceServer> SERVER = new RunningServer<>(() ->
            new ServiceServer("test-service", Listen.everywhere(0).withLimits(LIMITS)) {
                @Override
                protected boolean exemptFromClientLimits(InetAddress peer) {
                    return peer.equals(EXEMPT);
                }
            });

    static RawHttp connect(int loopback) throws Exception {
        return RawHttp.connect(RawHttp.loopback(loopback), "127.0.0.1", SERVER.server().port());
    }

    static int health(RawHttp client) throws Exception {
        return client.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").status(Duration.ofSeconds(5));
    }

    /** The status of a request on {@code client}, or -1 when the server has closed the connection. */
    static int statusOrClosed(RawHttp client) {
        try {
            return health(client);
        } catch (Exception closed) {
            return -1;
        }
    }

    /** Connects {@code count} times from 127.0.0.{@code loopback}, each connection seen served before the next opens. */
    static List<RawHttp> served(int loopback, int count) throws Exception {
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(connect(loopback));
            assertEquals(200, health(held.get(i)));
        }
        return held;
    }

    static void closeAll(List<RawHttp> clients) throws Exception {
        for (RawHttp client : clients) {
            client.close();
        }
    }

    @Test
    void requestsOnConnectionsBeyondTheCapGet429WhileOtherClientsAreServed() throws Exception {
        // The server counts a connection in when it takes it up, which is not always in the order of
        // connecting: each of the four is seen served before the fifth is opened.
        List<RawHttp> held = served(41, 4);
        try {
            try (RawHttp fifth = connect(41); RawHttp other = connect(42)) {
                String refusal = fifth.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").readAll(Duration.ofSeconds(5));
                assertTrue(refusal.startsWith("HTTP/1.1 429 "), refusal);
                assertTrue(refusal.contains("Connection: close"), refusal);
                assertTrue(refusal.contains("Access-Control-Allow-Origin: *"), refusal);
                assertTrue(refusal.contains("too many connections from your address (at most 4 at once)"), refusal);
                assertEquals(200, health(other));
                assertEquals(200, health(held.get(0)), "the client's first connections still work");
            }
        } finally {
            closeAll(held);
        }
    }

    @Test
    void connectionsBeyondTwiceTheCapAreClosedAtOnce() throws Exception {
        List<RawHttp> held = served(43, 4);
        try {
            for (int i = 0; i < 5; i++) {
                held.add(connect(43));
            }
            // Which of the last five the server takes up last is up to it: that one is closed, the others refused.
            List<Integer> statuses = new ArrayList<>();
            for (RawHttp client : held) {
                statuses.add(statusOrClosed(client));
            }
            statuses.sort(null);
            assertEquals(List.of(-1, 200, 200, 200, 200, 429, 429, 429, 429), statuses);
        } finally {
            closeAll(held);
        }
    }

    @Test
    void closingConnectionsGivesTheClientItsShareBack() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(connect(44));
        }
        closeAll(held);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (RawHttp again = connect(44)) {
                int status = health(again);
                if (status == 200) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "the closed connections were never counted out; last " + status);
            }
        }
    }

    @Test
    void anExemptPeerIsNotCapped() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                held.add(RawHttp.connect(EXEMPT, "127.0.0.1", SERVER.server().port()));
            }
            for (RawHttp client : held) {
                assertEquals(200, health(client));
            }
        } finally {
            closeAll(held);
        }
    }
}
