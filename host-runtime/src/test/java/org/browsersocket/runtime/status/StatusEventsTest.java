package org.browsersocket.runtime.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status page's live stream ({@code /status/events}): pushed updates, and who may read it. */
class StatusEventsTest {
    private RuntimeFixture fixture;
    private final List<StatusStream> streams = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fixture = RuntimeFixture.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (StatusStream stream : streams) {
            stream.close();
        }
        fixture.close();
    }

    private String host() {
        return "127.0.0.1:" + fixture.runtime().controlPort();
    }

    private StatusStream open(String path, String host, String... headers) throws Exception {
        StatusStream stream = new StatusStream(fixture.runtime().controlPort(), path, host, headers);
        streams.add(stream);
        return stream;
    }

    private static void awaitReceived(StatusStream stream, String text) {
        Await.until(() -> "'" + text + "' on the stream; received: " + tail(stream.received()), Duration.ofSeconds(10),
                () -> stream.received().contains(text));
    }

    private static int awaitStatus(StatusStream stream) {
        Await.until("a status line", Duration.ofSeconds(10), () -> stream.status() > 0);
        return stream.status();
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : "…" + text.substring(text.length() - 2000);
    }

    @Test
    void theStreamPushesAConnectionsOpeningAndClosingAsTheyHappen() throws Exception {
        StatusStream stream = open("/status/events", host());
        assertEquals(200, awaitStatus(stream));
        awaitReceived(stream, "text/event-stream");
        awaitReceived(stream, "event: status\ndata: {");
        JavaPeer peer = fixture.peer(fixture.page().echoing().listen());
        awaitReceived(stream, "\"kind\":\"accepted\"");
        peer.send("counted");
        peer.nextText();
        awaitReceived(stream, "\"messagesIn\":1,");
        peer.close(4001, "bye");
        awaitReceived(stream, "\"kind\":\"closed\"");
        awaitReceived(stream, "\"code\":4001");
    }

    @Test
    void statusReadsFromAnotherSitesOriginAreRefused() throws Exception {
        for (String path : List.of("/status/events", "/status.json")) {
            assertEquals(403, awaitStatus(open(path, host(), "Origin: http://evil.example")), path);
            assertEquals(403, awaitStatus(open(path, host(), "Origin: null")), path);
            assertEquals(403, awaitStatus(open(path, host(), "Sec-Fetch-Site: cross-site")), path);
            assertEquals(200, awaitStatus(open(path, host(), "Origin: http://" + host(), "Sec-Fetch-Site: same-origin")), path);
        }
    }

    @Test
    void statusReadsNamingANonLoopbackHostAreRefused() throws Exception {
        for (String path : List.of("/status/events", "/status.json")) {
            assertEquals(403, awaitStatus(open(path, "attacker.example:" + fixture.runtime().controlPort())), path);
        }
    }

    @Test
    void atMostSixteenStreamsAreServedAtOnce() throws Exception {
        List<StatusStream> served = new ArrayList<>();
        for (int i = 0; i < StatusFeed.MAX_SUBSCRIBERS; i++) {
            StatusStream stream = open("/status/events", host());
            assertEquals(200, awaitStatus(stream));
            served.add(stream);
        }
        assertEquals(503, awaitStatus(open("/status/events", host())));
        served.get(0).close();
        Await.until("a freed place is served", Duration.ofSeconds(10), () -> {
            try {
                StatusStream again = open("/status/events", host());
                int status = awaitStatus(again);
                assertTrue(status == 200 || status == 503, "status " + status);
                return status == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
