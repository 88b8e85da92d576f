package org.browsersocket.runtime.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.browsersocket.runtime.Main;
import org.browsersocket.runtime.testing.NetLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Port mapping against a real gateway: tools/netlab.sh runs miniupnpd (UPnP-IGD, NAT-PMP, PCP) in
 * nat1. The runtime runs in home1 restricted to one protocol; a peer in home2 (another home, behind
 * its own NAT) reaches it at nat1's public address through the mapping, and after SIGTERM the
 * mapping is gone. home1 also has native IPv6 behind a stateful firewall (V6FW1=1), so a pinhole
 * is needed for IPv6 peers. Needs root and the netlab packages; skipped with the reason otherwise.
 */
class MappingLabTest {
    private static final int PUBLIC_PORT = 7041;
    private static String skipReason;
    private static NetLab lab;

    @BeforeAll
    static void buildTheLab() throws Exception {
        skipReason = NetLab.unavailable();
        if (skipReason == null) {
            lab = NetLab.up("pm", Map.of("GATEWAY1", "upnp", "IPV6", "1", "V6FW1", "1"));
        }
    }

    @AfterAll
    static void takeTheLabDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void skipWithoutTheLab() {
        if (skipReason != null) {
            Assumptions.abort(skipReason + " — the port mapping lab test needs it");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pcp", "nat-pmp", "upnp"})
    void aPeerInAnotherHomeReachesTheRuntimeThroughTheMappingUntilItStops(String protocol) throws Exception {
        Path configDir = Files.createTempDirectory("mapping-lab");
        NetLab.LabProcess runtime = lab.java("home1", List.of("-D" + PortMapper.PROTOCOLS_PROPERTY + "=" + protocol),
                Main.class, "--config-dir", configDir.toString(), "--control-port", "0",
                "--public-port", Integer.toString(PUBLIC_PORT));
        try {
            // the runtime says its mapping within seconds
            String result = runtime.awaitLine(30, line -> line.contains("port mapping: "));
            System.out.println(protocol + ": " + result);
            String name = protocol.equals("upnp") ? "UPnP" : protocol.toUpperCase(Locale.ROOT);
            Matcher mapped = Pattern.compile(Pattern.quote(name) + " on 10\\.1\\.0\\.1 mapped TCP "
                    + Pattern.quote(lab.address("NAT1_PUBLIC")) + ":(\\d+) → :" + PUBLIC_PORT).matcher(result);
            assertTrue(mapped.find(), result);
            String external = lab.address("NAT1_PUBLIC") + ":" + mapped.group(1);
            // a peer in home2: an upgrade request for an unknown prefix gets the runtime's own 404
            assertTrue(peer(external).startsWith("HTTP/1.1 404"), "through the mapping: " + peer(external));
            // PCP and UPnP open an IPv6 pinhole through nat1's firewall too (NAT-PMP knows no IPv6);
            // the address is written compressed, as people and gateways write it
            boolean pinhole = !protocol.equals("nat-pmp");
            String v6 = "[" + lab.address("HOME1_V6") + "]:" + PUBLIC_PORT;
            if (pinhole) {
                assertTrue(result.contains(name + " on ") && result.contains("opened an IPv6 pinhole TCP " + v6), result);
                assertTrue(peer(v6).startsWith("HTTP/1.1 404"), "through the pinhole: " + peer(v6));
            }
            if (protocol.equals("upnp")) {
                searchesOnlyTowardTheGateway(runtime.process().pid());
            }
            runtime.process().destroy(); // SIGTERM: a clean stop deletes the mapping
            assertTrue(runtime.process().waitFor(20, TimeUnit.SECONDS), runtime.output());
            assertEquals("", peer(external), "after the stop the mapping is gone");
            if (pinhole) {
                assertEquals("", peer(v6), "the pinhole is closed");
            }
            String listed = lab.exec(30, "home1", "upnpc", "-u", lab.address("GATEWAY1_UPNP_URL"), "-l").out();
            assertFalse(listed.matches("(?s).*TCP\\s+" + mapped.group(1) + "->.*"), listed);
        } finally {
            runtime.process().destroyForcibly();
        }
    }

    /**
     * UPnP binds to eth0, the interface of home1's default route, and not to "mgmt", its veth to the
     * root namespace: its SSDP sockets are bound to eth0's address (none to mgmt's) and the SSDP group
     * is joined on eth0 only. Printed too, as the evidence.
     */
    private static void searchesOnlyTowardTheGateway(long pid) throws Exception {
        String udp = lab.exec(30, "home1", "ss", "-H", "-uanp").out();
        String tcp = lab.exec(30, "home1", "ss", "-H", "-tanp").out();
        String eth0 = lab.exec(30, "home1", "ip", "maddr", "show", "dev", "eth0").out();
        String mgmt = lab.exec(30, "home1", "ip", "maddr", "show", "dev", "mgmt").out();
        String ours = "pid=" + pid + ",";
        String udpOurs = udp.lines().filter(l -> l.contains(ours)).reduce("", (a, b) -> a + b + "\n");
        String tcpOurs = tcp.lines().filter(l -> l.contains(ours)).reduce("", (a, b) -> a + b + "\n");
        System.out.println("upnp: the runtime's UDP sockets in home1:\n" + udpOurs + "upnp: its TCP sockets:\n" + tcpOurs
                + "upnp: multicast groups on eth0:\n" + eth0 + "upnp: on mgmt:\n" + mgmt);
        String v4 = lab.address("HOME1_V4");
        assertTrue(udpOurs.contains(" " + v4 + ":") || udpOurs.contains(":" + v4 + "]:"),
                "an SSDP socket on eth0's address:\n" + udpOurs);
        assertFalse((udpOurs + tcpOurs).contains(lab.address("HOME1_MGMT") + ":"), "nothing on mgmt:\n" + udpOurs + tcpOurs);
        assertTrue(eth0.contains("239.255.255.250"), "SSDP group joined on eth0:\n" + eth0);
        assertFalse(mgmt.contains("239.255.255.250"), "SSDP group not joined on mgmt:\n" + mgmt);
    }

    /** The status line (and headers) home2 gets for an upgrade request to {@code hostPort}; "" if none. */
    private static String peer(String hostPort) throws Exception {
        return lab.exec(20, "home2", "curl", "-s", "-i", "-m", "4",
                "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "http://" + hostPort + "/no-such-prefix").out();
    }
}
