package org.browsersocket.runtime.mapping;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The default IPv4 gateway (and its interface) and IPv6 router from Linux's routing tables, and the
 * host's global IPv6 address.
 */
final class Gateways {
    private Gateways() {
    }

    /** The IPv4 default gateway, from {@code /proc/net/route}; empty where there is none (or no /proc). */
    static Optional<Inet4Address> defaultIpv4() {
        return read(Path.of("/proc/net/route")).flatMap(Gateways::defaultIpv4);
    }

    /** The IPv6 default router, from {@code /proc/net/ipv6_route}. */
    static Optional<Inet6Address> defaultIpv6() {
        return read(Path.of("/proc/net/ipv6_route")).flatMap(Gateways::defaultIpv6);
    }

    /**
     * The interface of the IPv4 default route, from {@code /proc/net/route}: the link toward the
     * gateway, the only one UPnP searches and talks on.
     */
    static Optional<String> defaultInterface() {
        return read(Path.of("/proc/net/route")).flatMap(Gateways::defaultInterface);
    }

    /** Parses {@code /proc/net/route}: the gateway of the default route (lowest metric), little-endian hex. */
    static Optional<Inet4Address> defaultIpv4(String table) {
        return defaultRoute(table).map(f -> {
            byte[] le = HexFormat.of().parseHex(f[2]);
            try {
                return (Inet4Address) InetAddress.getByAddress(new byte[] {le[3], le[2], le[1], le[0]});
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Parses {@code /proc/net/route}: the interface of the default route (lowest metric). */
    static Optional<String> defaultInterface(String table) {
        return defaultRoute(table).map(f -> f[0]);
    }

    /** The fields of the default route with the lowest metric that is up and has a gateway. */
    private static Optional<String[]> defaultRoute(String table) {
        String[] best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7 || !f[1].equals("00000000") || !f[2].matches("[0-9A-Fa-f]{8}")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            long metric = Long.parseLong(f[6]);
            if ((flags & 0x3) != 0x3 || metric >= bestMetric) { // RTF_UP | RTF_GATEWAY
                continue;
            }
            best = f;
            bestMetric = metric;
        }
        return Optional.ofNullable(best);
    }

    /** Parses {@code /proc/net/ipv6_route}: the next hop of {@code ::/0}, scoped to its interface. */
    static Optional<Inet6Address> defaultIpv6(String table) {
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[0].equals("0".repeat(32)) || !f[1].equals("00") || f[4].equals("0".repeat(32))
                    || !f[4].matches("[0-9a-fA-F]{32}")) {
                continue;
            }
            try {
                byte[] hop = HexFormat.of().parseHex(f[4]);
                NetworkInterface nif = NetworkInterface.getByName(f[9]);
                return Optional.of(nif != null ? Inet6Address.getByAddress(null, hop, nif)
                        : (Inet6Address) InetAddress.getByAddress(hop));
            } catch (UnknownHostException | SocketException e) {
                continue;
            }
        }
        return Optional.empty();
    }

    /** A global unicast IPv6 address (2000::/3) of this host, if it has one. */
    static Optional<Inet6Address> globalIpv6() {
        try {
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                    if (a.getAddress() instanceof Inet6Address v6 && (v6.getAddress()[0] & 0xe0) == 0x20
                            && !isTeredo(v6)) {
                        return Optional.of((Inet6Address) InetAddress.getByAddress(v6.getAddress()));
                    }
                }
            }
        } catch (IOException e) {
            // no interfaces to look at
        }
        return Optional.empty();
    }

    private static boolean isTeredo(Inet6Address a) {
        byte[] b = a.getAddress();
        return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0;
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
