package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Grants nobody claims are capped in a running runtime: every fetch of {@code browsersocket.js} or
 * {@code /grant} mints one, and at the cap the oldest tenth of the unclaimed ones is dropped.
 * The cap (HostRuntime.MAX_UNCLAIMED_GRANTS) and the ten-minute expiry of unclaimed grants are
 * constants no test can shorten: the expiry, and the cap's arithmetic, are tested on the
 * {@link org.browsersocket.runtime.routing.Router} itself (routing.GrantLifetimeTest); here the cap
 * is reached for real, over a few pipelined HTTP connections.
 */
class GrantCapTest {
    /** Connections the grants are fetched over at once. */
    static final int CONNECTIONS = 3;
    private RuntimeFixture fixture;
    private HostRuntime runtime;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** HostRuntime's cap, read rather than copied so that this test follows it. */
    static int cap() throws ReflectiveOperationException {
        var field = HostRuntime.class.getDeclaredField("MAX_UNCLAIMED_GRANTS");
        field.setAccessible(true);
        return field.getInt(null);
    }

    @Test
    void pastTheCapTheOldestUnclaimedGrantsAreDroppedAndPeersWaitingOnThemAreRefusedAtOnce() throws Exception {
        int cap = cap();
        // One prefix per grant keeps minting cheap; peers wait up to 5 s for a pending prefix.
        fixture = RuntimeFixture.start(RuntimeFixture.withMaxListenersPerPage(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN), 1));
        runtime = fixture.runtime();
        Grant oldest = mintGrants(1, 1).get(0).get(0);
        int perConnection = (cap - 1) / CONNECTIONS;
        List<List<Grant>> later = mintGrants(CONNECTIONS, perConnection);
        mintGrants(1, cap - 1 - CONNECTIONS * perConnection); // exactly at the cap now: nothing dropped yet

        RawPeer waiting = fixture.closeLater(RawPeer.connect("127.0.0.1", runtime.publicPort()));
        waiting.sendUpgrade(oldest.prefix() + "room"); // the oldest grant's prefix: pending, the peer waits
        long start = System.nanoTime();
        JavaPage newest = fixture.page(); // its script mints one grant past the cap
        RawPeer.Response refused = waiting.readResponse();
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(404, refused.status());
        assertTrue(waited < 4_000, "a peer waiting on a dropped grant's prefix is refused at once, not after 5 s: " + waited + " ms");
        assertEquals(404, fixture.upgradeStatus("ws://127.0.0.1:" + runtime.publicPort() + oldest.prefix()));
        assertClaimRefused(oldest.token());

        Grant recent = later.get(0).get(later.get(0).size() - 1); // minted among the last: not in the oldest tenth
        JavaPage survivor = fixture.page();
        survivor.send(new ControlMessage.Hello(recent.token()));
        survivor.expect(ControlMessage.Welcome.class);
        survivor.send(new ControlMessage.Listen(0));
        assertEquals(recent.prefix(), survivor.expect(ControlMessage.Listening.class).prefix());
        assertEquals("ws://127.0.0.1:" + runtime.publicPort() + newest.prefixes().get(0), newest.listen(),
                "and the grant minted past the cap works");
    }

    private void assertClaimRefused(String token) throws Exception {
        JavaPage page = fixture.page();
        page.send(new ControlMessage.Hello(token));
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertTrue(error.fatal() && error.reason().contains("unknown or already used page token"), error.toString());
    }

    /** A grant as {@code /grant} answers it: the token and (one listener per page here) the prefix. */
    record Grant(String token, String prefix) {}

    /**
     * Fetches {@code perConnection} grants from {@code /grant} on each of {@code connections}
     * connections at once, requests pipelined; returns them per connection, in the order minted.
     */
    private List<List<Grant>> mintGrants(int connections, int perConnection) throws Exception {
        List<CompletableFuture<List<Grant>>> fetches = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            fetches.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return mintGrants(perConnection);
                } catch (IOException | InterruptedException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        List<List<Grant>> grants = new ArrayList<>();
        for (CompletableFuture<List<Grant>> fetch : fetches) {
            grants.add(fetch.get(30, TimeUnit.SECONDS));
        }
        return grants;
    }

    private List<Grant> mintGrants(int count) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        List<Grant> grants = new ArrayList<>(count);
        try (Socket socket = new Socket("127.0.0.1", runtime.controlPort())) {
            socket.setSoTimeout(10_000);
            byte[] request = ("GET /grant HTTP/1.1\r\nHost: 127.0.0.1:" + runtime.controlPort() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                    for (int i = 0; i < count; i++) {
                        out.write(request);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the reader below fails too, saying more
                }
            });
            writer.start();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            for (int i = 0; i < count; i++) {
                var grant = json.readTree(body(in));
                grants.add(new Grant(grant.get("token").asText(), grant.get("prefixes").get(0).asText()));
            }
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
        return grants;
    }

    /** Reads one HTTP/1.1 response with a Content-Length; returns its body, after checking it is a 200. */
    private static byte[] body(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new AssertionError("a grant request was answered " + status);
        }
        int length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        return in.readNBytes(length);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
