package org.browsersocket.runtime.limits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * Whom a connection counts against: its IPv4 address, or its IPv6 /64 (one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would give one client 2^64 allowances).
 * IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
final class AddressKey {
    private AddressKey() {}

    static String of(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(address);
        }
        InetAddress ip = inet.getAddress();
        byte[] bytes = ip.getAddress();
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        if (ip instanceof Inet6Address && isMappedIpv4(bytes)) {
            return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
        }
        StringBuilder key = new StringBuilder("v6:");
        for (int i = 0; i < 8; i++) {
            key.append(String.format("%02x", bytes[i] & 0xff));
        }
        return key.append("::/64").toString();
    }

    private static boolean isMappedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff && !Arrays.equals(bytes, new byte[16]);
    }
}
