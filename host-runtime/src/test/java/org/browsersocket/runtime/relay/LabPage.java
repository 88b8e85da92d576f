package org.browsersocket.runtime.relay;

import java.net.URI;
import java.util.List;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RuntimeFixture;

/**
 * Run inside a lab home: a runtime registered with the relay {@code args[0]} and an echoing page.
 * Prints {@code RELAYED <url>} once the listener is routed through the relay, then
 * {@code PEER <address>} for each peer the page is offered; ends when its input closes.
 */
public final class LabPage {
    public static void main(String[] args) throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN)
                .withReach(ReachabilityConfig.none().withViaRelays(List.of(URI.create(args[0])), null)))) {
            JavaPage page = JavaPage.open(runtime.controlUrl(), RuntimeFixture.ORIGIN).echoing();
            String direct = page.listen();
            ThroughRelayTest.awaitRouted(runtime, 1);
            System.out.println("RELAYED " + args[0] + RuntimeFixture.path(direct));
            Thread peers = new Thread(() -> {
                while (!page.closedFuture().isDone()) {
                    try {
                        System.out.println("PEER " + page.expect(ControlMessage.Handshake.class).remoteAddress());
                    } catch (AssertionError nobodyCameForAWhile) {
                        // keep waiting while the page lives
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            peers.setDaemon(true);
            peers.start();
            while (System.in.read() >= 0) {
                // runs until the test closes our input or ends us
            }
        }
    }
}
