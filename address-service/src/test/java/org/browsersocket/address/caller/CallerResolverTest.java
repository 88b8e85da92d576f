package org.browsersocket.address.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.address.proxy.TrustedProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallerResolverTest {
    private static final List<TrustedProxy> PROXIES =
            List.of(TrustedProxy.parse("10.0.0.0/8"), TrustedProxy.parse("2001:db8:ff::/48"));
    private final CallerResolver behindProxies = new CallerResolver(PROXIES, ForwardingHeader.X_FORWARDED_FOR);
    private final CallerResolver behindForwardedProxies = new CallerResolver(PROXIES, ForwardingHeader.FORWARDED);

    Caller resolve(String peer, List<String> forwarded, List<String> xff) {
        return behindProxies.resolve(peer, 4711, forwarded, xff);
    }

    Caller resolveForwarded(String peer, List<String> forwarded, List<String> xff) {
        return behindForwardedProxies.resolve(peer, 4711, forwarded, xff);
    }

    @Test
    void directPeerIsTheCallerWhenItIsNoTrustedProxy() {
        Caller caller = resolve("203.0.113.7", List.of("for=198.51.100.1"), List.of("198.51.100.2"));
        assertEquals("203.0.113.7", caller.text());
        assertEquals(4711, caller.port());
        assertEquals(4, caller.version());
    }

    @Test
    void ipv4MappedPeerIsReportedAsIpv4() {
        assertEquals("192.0.2.45", resolve("::ffff:192.0.2.45", List.of(), List.of()).text());
        assertEquals(4, resolve("[::ffff:192.0.2.45]", List.of(), List.of()).version());
    }

    @Test
    void ipv6PeerKeepsItsFamilyAndLosesItsZone() {
        Caller caller = resolve("[fe80::1%eth0]", List.of(), List.of());
        assertEquals("fe80::1", caller.text());
        assertEquals(6, caller.version());
    }

    @Test
    void aSocketAddressResolvesAsItsTextDoes() throws Exception {
        for (String peer : List.of("203.0.113.7", "2001:db8::17", "fe80::1%1", "10.0.0.5")) {
            InetAddress socket = InetAddress.getByName(peer);
            List<String> xff = List.of("198.51.100.99, 203.0.113.7");
            assertEquals(resolve(peer, List.of(), xff), behindProxies.resolve(socket, 4711, List.of(), xff), peer);
        }
        // Java gives an IPv4-mapped socket address as IPv4 already; the resolver does so for the bytes too.
        InetAddress mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 45}, null);
        assertEquals("192.0.2.45", behindProxies.resolve(mapped, 4711, List.of(), List.of()).text());
    }

    @Test
    void trustedProxyForwardsTheRightmostUntrustedHopOfXForwardedFor() {
        Caller caller = resolve("10.0.0.5", List.of(), List.of("198.51.100.99, 203.0.113.7, 10.1.2.3"));
        assertEquals("203.0.113.7", caller.text(), "a client-supplied left part must not win");
        assertNull(caller.port());
    }

    @Test
    void aClientsOwnForwardedHeaderBesideTheProxysXForwardedForIsIgnored() {
        // The proxy appended the client's real address to X-Forwarded-For and passed the
        // client's made-up Forwarded header through untouched.
        Caller caller = resolve("10.0.0.5", List.of("for=\"[2001:0:4136:e378:8000:63bf:3fff:fdd2]\""),
                List.of("203.0.113.50"));
        assertEquals("203.0.113.50", caller.text());
    }

    @Test
    void behindAForwardedProxyOnlyForwardedCountsAndMayCarryAPort() {
        Caller caller = resolveForwarded("10.0.0.5", List.of("for=198.51.100.99, for=\"[2001:db8::17]:4712\";proto=http"),
                List.of("203.0.113.50"));
        assertEquals("2001:db8::17", caller.text());
        assertEquals(4712, caller.port());
        assertEquals("10.0.0.5", resolveForwarded("10.0.0.5", List.of(), List.of("203.0.113.50")).text(),
                "a client's own X-Forwarded-For is ignored");
    }

    @Test
    void severalHeaderLinesFormOneChain() {
        Caller caller = resolve("10.0.0.5", List.of(), List.of("203.0.113.1", "10.9.9.9"));
        assertEquals("203.0.113.1", caller.text());
    }

    @Test
    void malformedOrHiddenHopsStopTheWalkAtTheLastKnownProxy() {
        assertEquals("10.1.2.3", resolve("10.0.0.5", List.of(), List.of("203.0.113.7, <script>, 10.1.2.3")).text());
        assertEquals("10.0.0.5", resolveForwarded("10.0.0.5", List.of("for=unknown"), List.of()).text());
        assertEquals("10.0.0.5", resolveForwarded("10.0.0.5", List.of("for=_hidden"), List.of()).text());
        assertEquals("10.0.0.5", resolve("10.0.0.5", List.of(), List.of("evil.example")).text());
    }

    @Test
    void aChainOfOnlyTrustedHopsEndsAtItsLeftmostHop() {
        assertEquals("10.7.7.7", resolve("10.0.0.5", List.of(), List.of("10.7.7.7, 10.1.1.1")).text());
    }

    @Test
    void withoutTrustedProxiesHeadersAreIgnored() {
        CallerResolver none = new CallerResolver(List.of(), ForwardingHeader.X_FORWARDED_FOR);
        assertEquals("10.0.0.5", none.resolve("10.0.0.5", 1, List.of("for=1.2.3.4"), List.of("1.2.3.4")).text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4/24", "1.2.3.*", "1.2.3.0-9", "127.1", "1", "0x7f000001", "1.2.3.4:99999",
            "[::1", "1.2.3.4:port", "", "::1:80:90:x"})
    void hopsThatAreNotOneAddressAreRejected(String hop) {
        assertNull(CallerResolver.parseHop(hop), hop);
    }

    @Test
    void hopsWithPortsParse() {
        assertEquals(new Caller(CallerResolver.parseAddress("1.2.3.4").orElseThrow(), 80), CallerResolver.parseHop("1.2.3.4:80"));
        assertEquals(8080, CallerResolver.parseHop("[2001:db8::1]:8080").port());
        assertTrue(CallerResolver.parseAddress("2001:db8::1").isPresent());
    }
}
