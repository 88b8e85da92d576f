package org.browsersocket.service.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import javax.servlet.ServletRequest;
import org.eclipse.jetty.server.Request;

/**
 * Who counts as one client for per-client limits: an IPv4 address, or an IPv6 /64. One IPv6
 * subscriber usually gets a whole /64 (2^64 addresses), so keying by the exact IPv6 address would
 * give one machine endless fresh quotas. IPv4-mapped IPv6 peers count as their IPv4 address.
 */
public final class ClientKey {

    private ClientKey() {
    }

    /** {@code 203.0.113.7}, or {@code 2001:db8:1:2::/64} for any address in that /64. */
    public static String of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        if (isIpv4Mapped(bytes)) {
            return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
        }
        StringBuilder key = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            int value = ((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff);
            key.append(Integer.toHexString(value)).append(':');
        }
        return key.append(":/64").toString();
    }

    /** The client of a request: its socket peer (forwarding headers are not considered). */
    public static String of(ServletRequest request) {
        InetSocketAddress remote = Request.getBaseRequest(request).getRemoteInetSocketAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        return of(remote.getAddress());
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
