package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The runtime's sockets on Linux's epoll transport or on Java NIO, with one or more event-loop threads. */
class TransportTest {
    @ParameterizedTest(name = "{0}, {1} I/O thread(s)")
    @CsvSource({"EPOLL, 1", "EPOLL, 3", "NIO, 1", "NIO, 3"})
    void peersReachTheirPageAndBackOnEitherTransport(Transport.Kind kind, int threads) throws Exception {
        assumeTrue(kind != Transport.Kind.EPOLL || Epoll.isAvailable(), "epoll is unavailable here");
        RuntimeConfig config = RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withIo(new IoSettings(kind, threads));
        try (RuntimeFixture fixture = RuntimeFixture.start(config)) {
            assertEquals(kind.name().toLowerCase(), fixture.runtime().transport().name());
            String url = fixture.page().echoing().listen();
            // More peers than threads, so that peers land on every event loop.
            List<JavaPeer> peers = new ArrayList<>();
            for (int i = 0; i < 2 * threads + 1; i++) {
                peers.add(fixture.peer(url + "room" + i));
            }
            for (int i = 0; i < peers.size(); i++) {
                peers.get(i).send("hello " + i);
                byte[] bytes = new byte[100_000];
                bytes[i] = 1;
                peers.get(i).send(bytes);
            }
            for (int i = 0; i < peers.size(); i++) {
                assertEquals("hello " + i, peers.get(i).nextText());
                byte[] expected = new byte[100_000];
                expected[i] = 1;
                assertArrayEquals(expected, peers.get(i).nextBinary());
            }
        }
    }

    @Test
    void autoPicksEpollWhereItLoads() {
        assumeTrue(Epoll.isAvailable(), "epoll is unavailable here");
        assertEquals("epoll", Transport.of(Transport.Kind.AUTO).name());
    }

    @Test
    void askingForNioGetsNio() {
        assertEquals("nio", Transport.of(Transport.Kind.NIO).name());
    }

    @Test
    void askingForEpollWhereItCannotLoadSaysWhyAndWhatToUseInstead() {
        assumeTrue(!Epoll.isAvailable(), "epoll is available here");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Transport.of(Transport.Kind.EPOLL));
        assertTrue(refused.getMessage().contains("--transport nio"), refused.getMessage());
    }

    @Test
    void fewerThanOneIoThreadIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IoSettings(Transport.Kind.AUTO, 0));
    }
}
