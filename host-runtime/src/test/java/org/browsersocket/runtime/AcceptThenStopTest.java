package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page that accepts a handshake and stops the listener in one write: the peer gets its 101 and
 * then a 1001 close frame, also when its channel shares the page's event loop (the close frame is
 * written on the peer's loop, after the queued 101). Connections are spread over the event loops in
 * turn, so among (loops + 1) peers one shares the control channel's loop: the test tries that many.
 */
class AcceptThenStopTest {
    private RuntimeFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Netty's default number of event loops (two per processor). */
    static int eventLoops() {
        return Math.max(1, Integer.getInteger("io.netty.eventLoopThreads", Runtime.getRuntime().availableProcessors() * 2));
    }

    @Test
    void listenerStoppedInTheSameReadAsTheAcceptClosesThatPeerWith1001() throws Exception {
        int tries = eventLoops() + 1;
        fixture = RuntimeFixture.start(RuntimeFixture.withMaxListenersPerPage(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN), tries + 1));
        JavaPage page = fixture.page();
        page.listen();
        List<String> wrong = new ArrayList<>();
        for (int listener = 1; listener <= tries; listener++) {
            String url = page.listen(listener);
            JavaPeer peer = fixture.connecting(url, Map.of());
            int conn = page.expect(ControlMessage.Handshake.class).conn();
            page.sendTogether(new ControlMessage.Accept(conn, null, Map.of()), new ControlMessage.Unlisten(listener));
            JavaPeer.Closed closed = peer.awaitClose();
            ControlMessage.Close told = page.expect(ControlMessage.Close.class);
            assertEquals(conn, told.conn());
            if (closed.code() != 1001) {
                wrong.add("peer " + listener + " saw " + closed + " (101 received: " + peer.wasOpened() + "); the page was told " + told);
            }
        }
        assertTrue(wrong.isEmpty(), "every accepted peer of a stopped listener gets a 1001 close frame; " + wrong);
    }
}
