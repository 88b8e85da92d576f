package org.browsersocket.runtime.mapping;

import org.browsersocket.runtime.net.AddressText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PCP and NAT-PMP codecs, byte for byte against the RFCs' packet diagrams. */
class MessagesTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void natPmpPublicAddressRequestAndResponse() throws Exception {
        // RFC 6886 §3.2: Vers = 0, OP = 0
        assertArrayEquals(hex("00 00"), NatPmpMessages.externalAddressRequest());
        // Vers 0, OP 128, Result 0, seconds since start of epoch 0x1234, external 203.0.113.11
        NatPmpMessages.ExternalAddressResponse r = NatPmpMessages.ExternalAddressResponse
                .parse(hex("00 80 0000 00001234 cb00710b"), 12).orElseThrow();
        assertEquals(0, r.resultCode());
        assertEquals(0x1234, r.epochSeconds());
        assertEquals(InetAddress.getByName("203.0.113.11"), r.address());
    }

    @Test
    void natPmpMappingRequestAndResponse() {
        // RFC 6886 §3.3: Vers 0, OP 2 (TCP), Reserved, Internal Port, Suggested External Port, Lifetime 7200
        assertArrayEquals(hex("00 02 0000 1b81 1b81 00001c20"),
                new NatPmpMessages.MapRequest(NatPmpMessages.OP_MAP_TCP, 7041, 7041, 7200).encode());
        // §3.4: to delete, lifetime 0 and suggested external port 0
        assertArrayEquals(hex("00 02 0000 1b81 0000 00000000"),
                new NatPmpMessages.MapRequest(NatPmpMessages.OP_MAP_TCP, 7041, 0, 0).encode());
        // Vers 0, OP 130, Result 0, epoch 100, internal 7041, mapped external 40000, lifetime 3600
        NatPmpMessages.MapResponse r = NatPmpMessages.MapResponse.parse(hex("00 82 0000 00000064 1b81 9c40 00000e10"), 16)
                .orElseThrow();
        assertEquals(new NatPmpMessages.MapResponse(2, 0, 100, 7041, 40000, 3600), r);
        // result 2: Not Authorized/Refused
        assertEquals(2, NatPmpMessages.MapResponse.parse(hex("00 82 0002 00000064 1b81 0000 00000000"), 16)
                .orElseThrow().resultCode());
        assertEquals("Not Authorized/Refused", NatPmpMessages.resultName(2));
        assertTrue(NatPmpMessages.MapResponse.parse(hex("00 80 0000 00000064"), 8).isEmpty(), "not a mapping answer");
    }

    @Test
    void pcpMapRequest() throws Exception {
        byte[] nonce = hex("0102030405060708090a0b0c");
        byte[] encoded = new PcpMessages.MapRequest(7200, InetAddress.getByName("10.1.0.2"), nonce,
                PcpMessages.PROTOCOL_TCP, 7041, 7041, null).encode();
        // RFC 6887 §7.1 header: Version 2, R=0 Opcode 1 (MAP), Reserved, Lifetime, client IP (IPv4-mapped, §5)
        // §11.1 MAP: nonce, Protocol 6, Reserved (24 bits), internal port, suggested external port and address
        assertArrayEquals(hex("02 01 0000 00001c20 00000000000000000000ffff0a010002"
                + "0102030405060708090a0b0c 06 000000 1b81 1b81 00000000000000000000000000000000"), encoded);
        assertEquals(60, encoded.length);
        assertArrayEquals(hex("02 00 0000 00000000 00000000000000000000ffff0a010002"),
                PcpMessages.announceRequest(InetAddress.getByName("10.1.0.2")));
        byte[] v6 = new PcpMessages.MapRequest(0, InetAddress.getByName("2001:db8::2"), nonce, 6, 7041, 0,
                InetAddress.getByName("2001:db8::2")).encode();
        assertArrayEquals(hex("20010db8000000000000000000000002"), java.util.Arrays.copyOfRange(v6, 8, 24));
        assertArrayEquals(hex("20010db8000000000000000000000002"), java.util.Arrays.copyOfRange(v6, 44, 60));
    }

    @Test
    void pcpMapResponse() throws Exception {
        // §7.2: Version 2, R=1 Opcode 1, Reserved, Result 0, Lifetime 3600, Epoch 500, 96 reserved bits;
        // then the MAP payload with the assigned external port 40000 and address ::ffff:203.0.113.11
        byte[] packet = hex("02 81 00 00 00000e10 000001f4 000000000000000000000000"
                + "0102030405060708090a0b0c 06 000000 1b81 9c40 00000000000000000000ffffcb00710b");
        PcpMessages.MapResponse r = PcpMessages.MapResponse.parse(packet, packet.length).orElseThrow();
        assertEquals(0, r.resultCode());
        assertEquals(3600, r.lifetimeSeconds());
        assertEquals(500, r.epochSeconds());
        assertArrayEquals(hex("0102030405060708090a0b0c"), r.nonce());
        assertEquals(7041, r.internalPort());
        assertEquals(40000, r.externalPort());
        assertTrue(r.externalAddress() instanceof Inet4Address);
        assertEquals(InetAddress.getByName("203.0.113.11"), r.externalAddress());
        // result 8 NO_RESOURCES
        packet[3] = 8;
        assertEquals("NO_RESOURCES", PcpMessages.resultName(PcpMessages.MapResponse.parse(packet, 60).orElseThrow().resultCode()));
        // a NAT-PMP server's answer to a PCP request (RFC 6887 §9): version 0, "unsupported version"
        PcpMessages.Response natPmp = PcpMessages.Response.parse(hex("00 81 0001 000001f4"), 8).orElseThrow();
        assertEquals(0, natPmp.version());
        assertEquals(1, natPmp.resultCode());
        assertTrue(PcpMessages.MapResponse.parse(hex("00 81 0001 000001f4"), 8).isEmpty());
        assertTrue(PcpMessages.Response.parse(hex("02 01 0000 00001c20"), 8).isEmpty(), "a request, not a response");
    }

    @Test
    void epochShowsAGatewayThatForgot() {
        Epoch first = new Epoch(1000, 0);
        assertTrue(first.continuedBy(new Epoch(1060, 60_000)), "a minute later on both sides");
        assertTrue(first.continuedBy(new Epoch(1061, 60_000)), "a second of slack");
        assertFalse(first.continuedBy(new Epoch(5, 60_000)), "the epoch went backwards: the gateway restarted");
        assertFalse(first.continuedBy(new Epoch(1010, 600_000)), "10 s of server time in 600 s: it restarted");
    }

    @Test
    void gatewaysFromTheRoutingTables() throws Exception {
        String route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
                + "eth0\t0000010A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
                + "eth0\t00000000\t0100010A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
        assertEquals(InetAddress.getByName("10.1.0.1"), Gateways.defaultIpv4(route).orElseThrow());
        assertTrue(Gateways.defaultIpv4(route.lines().limit(2).reduce("", (a, b) -> a + b + "\n")).isEmpty());
        String v6 = "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n"
                + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 nosuchif0\n";
        assertEquals(InetAddress.getByName("fe80::1"), Gateways.defaultIpv6(v6).orElseThrow());
        assertEquals("eth0", Gateways.defaultInterface(route).orElseThrow());
        String two = route + "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
                + "mgmt\t00000000\t0100FF1F\t0001\t0\t0\t0\t00000000\t0\t0\t0\n";
        assertEquals("eth0", Gateways.defaultInterface(two).orElseThrow(), "lowest metric, up, with a gateway");
    }

    @Test
    void addressesAreWrittenCompressed() throws Exception {
        assertEquals("2001:db8:1::2", AddressText.of(InetAddress.getByName("2001:db8:1:0:0:0:0:2")));
        assertEquals("2001:db8::1:0:0:1", AddressText.of(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:0:c633:6401:1030:9795:34ff:8ef4",
                AddressText.of(InetAddress.getByName("2001:0:c633:6401:1030:9795:34ff:8ef4")));
        assertEquals("fe80::1", AddressText.of(InetAddress.getByName("fe80::1")));
        assertEquals("::", AddressText.of(InetAddress.getByName("::")));
        assertEquals("::1", AddressText.of(InetAddress.getByName("::1")));
        assertEquals("2001:db8::", AddressText.of(InetAddress.getByName("2001:db8::")));
        assertEquals("10.1.0.2", AddressText.of(InetAddress.getByName("10.1.0.2")));
    }

    @Test
    void theLinkIsWhereTheAddressesArePrefixesReach() throws Exception {
        byte[] gateway = InetAddress.getByName("10.1.0.1").getAddress();
        assertTrue(LinkStreamClient.sameNetwork(gateway, InetAddress.getByName("10.1.0.2").getAddress(), 24));
        assertFalse(LinkStreamClient.sameNetwork(gateway, InetAddress.getByName("172.31.255.2").getAddress(), 30));
        assertFalse(LinkStreamClient.sameNetwork(gateway, InetAddress.getByName("10.1.1.2").getAddress(), 24));
        assertTrue(LinkStreamClient.sameNetwork(InetAddress.getByName("2001:db8:1::1").getAddress(),
                InetAddress.getByName("2001:db8:1::2").getAddress(), 64));
        assertFalse(LinkStreamClient.sameNetwork(gateway, InetAddress.getByName("2001:db8:1::2").getAddress(), 24));
    }
}
