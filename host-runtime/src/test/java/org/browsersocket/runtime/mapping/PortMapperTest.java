package org.browsersocket.runtime.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.browsersocket.runtime.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * The mapper against a fake PCP/NAT-PMP gateway on 127.0.0.1: mapping, renewal at half the
 * lifetime, a gateway that forgets (epoch), deletion on close, and quiet when nothing answers.
 * UPnP is left out here: its search is multicast, which only the lab test sends.
 */
class PortMapperTest {
    private static final int PORT = 7041;
    private final Logger log = Logger.getLogger("browsersocket.mapping");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final List<MappingStatus> heard = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(handler);
    }

    private static PortMapper.Settings settings(int serverPort, long budgetMillis) {
        return new PortMapper.Settings(InetAddress.getLoopbackAddress(), null, null, null, serverPort,
                EnumSet.of(PortMapper.Protocol.PCP, PortMapper.Protocol.NAT_PMP), budgetMillis, 0, 7200, 60_000);
    }

    private static void await(String what, long millis, BooleanSupplier condition) {
        Await.until(what, java.time.Duration.ofMillis(millis), condition);
    }

    private static byte[] nonce(byte[] pcpMap) {
        return Arrays.copyOfRange(pcpMap, 24, 36);
    }

    private static long lifetime(byte[] pcpMap) {
        return ByteBuffer.wrap(pcpMap).getInt(4) & 0xffffffffL;
    }

    @Test
    void pcpMapsRenewsAtHalfLifetimeAndDeletesOnClose() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.grantedLifetime = 2;
            PortMapper mapper = PortMapper.start(PORT, settings(gateway.port(), 1000), heard::add);
            await("a mapping", 3000, () -> mapper.status().state() == MappingStatus.State.MAPPED);
            Mapping m = mapper.status().mappings().get(0);
            assertEquals("PCP", m.protocol());
            assertEquals(4, m.family());
            assertEquals("203.0.113.11", m.externalAddress());
            assertEquals(PORT, m.externalPort());
            assertEquals(PORT, m.internalPort());
            assertEquals(2, m.lifetimeSeconds());
            assertEquals("127.0.0.1", m.gateway());
            assertEquals("PCP on 127.0.0.1 mapped TCP 203.0.113.11:7041 → :7041 for 2 s", mapper.status().reason());
            assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.INFO
                    && r.getMessage().equals("port mapping: PCP on 127.0.0.1 mapped TCP 203.0.113.11:7041 → :7041 for 2 s")),
                    "one INFO line says what was got");
            // renewed at half the lifetime (1 s), with the same nonce
            await("two renewals", 4000, () -> gateway.requests(2, 1).size() >= 3);
            List<byte[]> maps = gateway.requests(2, 1);
            assertArrayEquals(nonce(maps.get(0)), nonce(maps.get(2)));
            assertEquals(MappingStatus.State.MAPPED, mapper.status().state());
            assertTrue(gateway.requests(0, 2).isEmpty(), "NAT-PMP not needed");
            mapper.close();
            List<byte[]> after = gateway.requests(2, 1);
            byte[] delete = after.get(after.size() - 1);
            assertEquals(0, lifetime(delete), "close deletes: MAP with lifetime 0");
            assertArrayEquals(nonce(maps.get(0)), nonce(delete), "... for the same nonce");
            assertEquals(MappingStatus.State.OFF, mapper.status().state());
        }
    }

    @Test
    void aGatewayThatForgetsIsAskedAgain() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.grantedLifetime = 2;
            gateway.epochBase = 100_000; // up for a day
            PortMapper mapper = PortMapper.start(PORT, settings(gateway.port(), 1000), heard::add);
            await("a mapping", 3000, () -> mapper.status().state() == MappingStatus.State.MAPPED);
            byte[] first = nonce(gateway.requests(2, 1).get(0));
            gateway.reboot(); // epoch back to 0: every mapping is gone
            await("a new mapping", 5000, () -> gateway.requests(2, 1).stream()
                    .anyMatch(r -> !Arrays.equals(nonce(r), first)));
            await("mapped again", 3000, () -> mapper.status().state() == MappingStatus.State.MAPPED
                    && records.stream().anyMatch(r -> r.getMessage().contains("lost its mappings")));
            assertTrue(records.stream().anyMatch(r -> r.getMessage()
                    .equals("port mapping: PCP: 127.0.0.1 lost its mappings (its epoch restarted); asking again")));
            mapper.close();
        }
    }

    @Test
    void aRenewalThatFailsMeansAskingAgain() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.grantedLifetime = 2;
            PortMapper mapper = PortMapper.start(PORT, settings(gateway.port(), 600), heard::add);
            await("a mapping", 3000, () -> mapper.status().state() == MappingStatus.State.MAPPED);
            gateway.answers = false;
            await("none found", 5000, () -> mapper.status().state() == MappingStatus.State.NONE_FOUND);
            assertTrue(records.stream().anyMatch(r -> r.getMessage()
                    .equals("port mapping: PCP: 127.0.0.1 stopped answering; asking again")));
            assertTrue(heard.stream().anyMatch(s -> s.state() == MappingStatus.State.MAPPED));
            await("the listener to hear it", 2000,
                    () -> heard.get(heard.size() - 1).state() == MappingStatus.State.NONE_FOUND);
            mapper.close();
        }
    }

    @Test
    void natPmpWhenTheGatewayDoesNotSpeakPcp() throws Exception {
        try (FakeGateway gateway = new FakeGateway()) {
            gateway.speaksPcp = false;
            gateway.grantedLifetime = 7200;
            PortMapper mapper = PortMapper.start(PORT, settings(gateway.port(), 1000), heard::add);
            await("a mapping", 4000, () -> mapper.status().state() == MappingStatus.State.MAPPED);
            Mapping m = mapper.status().mappings().get(0);
            assertEquals(new Mapping("NAT-PMP", 4, "203.0.113.11", PORT, PORT, 7200, m.expires(), "127.0.0.1"), m);
            assertEquals("NAT-PMP on 127.0.0.1 mapped TCP 203.0.113.11:7041 → :7041 for 7200 s", mapper.status().reason());
            assertEquals(1, gateway.requests(0, 0).size(), "the external address was asked once");
            mapper.close();
            List<byte[]> maps = gateway.requests(0, 2);
            ByteBuffer delete = ByteBuffer.wrap(maps.get(maps.size() - 1));
            assertEquals(PORT, delete.getShort(4) & 0xffff);
            assertEquals(0, delete.getShort(6), "§3.4 deletion: suggested external port 0 ...");
            assertEquals(0, delete.getInt(8), "... and lifetime 0");
        }
    }

    @Test
    void noGatewayIsQuietAndQuick() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            long started = System.nanoTime();
            PortMapper mapper = PortMapper.start(PORT, settings(silent.getLocalPort(), 1000), heard::add);
            await("none found", 3000, () -> mapper.status().state() == MappingStatus.State.NONE_FOUND);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 2500, "within PCP's 1 s and NAT-PMP's 0.5 s, took " + millis + " ms");
            assertEquals("no gateway answered (PCP, NAT-PMP); peers outside this network need a relay",
                    mapper.status().reason());
            assertEquals(1, records.size(), "one log line: " + records.stream().map(LogRecord::getMessage).toList());
            assertEquals(Level.INFO, records.get(0).getLevel());
            assertEquals(List.of(), mapper.status().mappings());
            long closing = System.nanoTime();
            mapper.close();
            assertTrue((System.nanoTime() - closing) / 1_000_000 < 1000, "nothing to delete: close is immediate");
        }
    }

    @Test
    void aClosedPortIsNoGatewayAtOnce() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        PortMapper mapper = PortMapper.start(PORT, settings(port, 1000), heard::add);
        await("none found", 3000, () -> mapper.status().state() == MappingStatus.State.NONE_FOUND);
        assertFalse(records.stream().anyMatch(r -> r.getLevel().intValue() > Level.INFO.intValue()), "never an error");
        mapper.close();
    }

    @Test
    void protocolsCanBeRestricted() {
        assertEquals(EnumSet.allOf(PortMapper.Protocol.class), PortMapper.protocolsFrom(null));
        assertEquals(EnumSet.of(PortMapper.Protocol.NAT_PMP, PortMapper.Protocol.UPNP),
                PortMapper.protocolsFrom("upnp, nat-pmp"));
    }
}
