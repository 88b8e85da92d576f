package org.browsersocket.runtime.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.Transport;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.Test;

/** A quiet link to a relay stays up: the relay's pongs to the link's pings count as life. */
class RelayLinkKeepAliveTest {
    @Test
    void aLinkWithNothingToSayStaysRegisteredOnTheRelaysPongs() throws Exception {
        Duration ping = Duration.ofMillis(100); // silent after 3 pings' time: 300 ms
        Transport transport = Transport.of(Transport.Kind.AUTO);
        EventLoopGroup group = transport.newGroup(1, "keep-alive-test");
        try (RuntimeFixture relay = RuntimeFixture.start(RuntimeConfig.ephemeral()
                .withReach(ReachabilityConfig.none().withRelay(true, null)))) {
            AttachedPeerSink nobody = new AttachedPeerSink() {
                @Override
                public void adopt(Channel channel, String peerAddress) {
                    channel.close();
                }

                @Override
                public EventLoop eventLoopFor(String prefix) {
                    return null;
                }
            };
            RelayLink link = new RelayLink(URI.create("ws://127.0.0.1:" + relay.runtime().publicPort()), null, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    transport, group, null, nobody, Set.of(), () -> { }, ping);
            link.connect();
            Await.until("the link registers", link::registered);
            String since = link.status().since();
            Await.until("the relay has answered 10 pings (a second of a quiet link)", () -> link.pongs() >= 10);
            assertTrue(link.registered(), "still registered");
            assertEquals(since, link.status().since(), "and never reconnected");
            link.close();
        } finally {
            group.shutdownGracefully().sync();
        }
    }
}
