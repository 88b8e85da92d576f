package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.browsersocket.runtime.Main;
import org.browsersocket.runtime.testing.NetLab;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two homes behind symmetric NATs, where no direct path exists: a page in home1 is reached by a
 * real peer in home2 through a relay in the "internet" (tools/netlab.sh; needs root, skipped with
 * the reason otherwise).
 */
class RelayLabTest {
    private static final int PORT = 7041;

    @Test
    void aPeerBehindASymmetricNatReachesAPageBehindAnotherThroughTheRelay() throws Exception {
        String unavailable = NetLab.unavailable();
        Assumptions.assumeTrue(unavailable == null, unavailable);
        try (NetLab lab = NetLab.up("rl", Map.of("NAT1", "symmetric", "NAT2", "symmetric"))) {
            String relayUrl = "ws://" + lab.address("RELAY_V4") + ":" + PORT;
            NetLab.LabProcess relay = lab.java("inet", Main.class, "--relay", "--control-port", "0", "--public-port", "" + PORT,
                    "--no-port-mapping", "--config-dir", Files.createTempDirectory("relay-lab").toString(),
                    "--relay-cache-dir", Files.createTempDirectory("relay-lab-cache").toString());
            relay.awaitLine(60, line -> line.startsWith("host-runtime listening: public"));

            NetLab.LabProcess page = lab.java("home1", LabPage.class, relayUrl);
            String relayed = page.awaitLine(60, line -> line.startsWith("RELAYED ")).substring(8);
            String prefixPath = relayed.substring(relayUrl.length());

            // No direct way in: home1's NAT maps nothing and changes ports per destination.
            NetLab.Run direct = lab.exec(20, "home2", "curl", "-s", "-i", "-m", "3", "-H", "Connection: Upgrade",
                    "-H", "Upgrade: websocket", "http://" + lab.address("NAT1_PUBLIC") + ":" + PORT + prefixPath);
            assertTrue(direct.out().isEmpty(), "nothing answers directly: " + direct.out());

            NetLab.LabProcess peer = lab.java("home2", LabPeer.class, relayed);
            String echo = peer.awaitLine(60, line -> line.startsWith("ECHO "));
            assertEquals("ECHO across two symmetric NATs", echo);
            assertTrue(peer.process().waitFor(20, TimeUnit.SECONDS));
            String seen = page.awaitLine(10, line -> line.startsWith("PEER "));
            assertTrue(seen.startsWith("PEER " + lab.address("NAT2_PUBLIC") + ":"),
                    "the page sees the peer's public address (home2's NAT), as a direct peer would: " + seen);
        }
    }
}
