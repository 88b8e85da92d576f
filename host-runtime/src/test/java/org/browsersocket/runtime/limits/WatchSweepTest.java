package org.browsersocket.runtime.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.runtime.IoSettings;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.Test;

/**
 * The peers of one event loop are timed together: peers coming and going (in any order) do not
 * make the others miss their deadlines.
 */
class WatchSweepTest {
    @Test
    void peersStillMeetTheirIdleDeadlineWhileOthersOnTheirLoopLeaveAndJoin() throws Exception {
        PeerLimits limits = PeerLimits.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMillis(400));
        // One I/O thread: every peer is on the same loop.
        RuntimeConfig config = RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withPeerLimits(limits)
                .withIo(new IoSettings(Transport.Kind.AUTO, 1));
        try (RuntimeFixture fixture = RuntimeFixture.start(config)) {
            JavaPage page = fixture.page().echoing();
            String url = page.listen();
            String path = url.substring(url.indexOf('/', "ws://".length()));
            int port = fixture.runtime().publicPort();
            List<RawPeer> peers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawPeer peer = fixture.closeLater(RawPeer.connect("127.0.0.1", port));
                peer.sendUpgrade(path + "p" + i);
                assertEquals(101, peer.readResponse().status());
                peers.add(peer);
            }
            // Leave from the middle and both ends, then one more joins.
            for (int i : new int[] {0, 3, 7}) {
                peers.get(i).close();
            }
            RawPeer late = fixture.closeLater(RawPeer.connect("127.0.0.1", port));
            late.sendUpgrade(path + "late");
            assertEquals(101, late.readResponse().status());
            for (int i : new int[] {1, 2, 4, 5, 6}) {
                assertEquals(1001, peers.get(i).awaitCloseCode(), "peer " + i + ": pinged, never answered");
            }
            assertEquals(1001, late.awaitCloseCode(), "the late peer: pinged, never answered");
        }
    }
}
