package org.browsersocket.runtime.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as text the way gateways and people write them: IPv6 in the RFC 5952 form
 * ({@code 2001:db8:1::2}, as inet_ntop prints it), never the JDK's {@code 2001:db8:1:0:0:0:0:2}.
 * miniupnpd compares a pinhole's InternalClient with the requester's address as text, so the
 * form matters there, not only in log lines.
 */
public final class AddressText {
    private AddressText() {
    }

    /** Dotted IPv4, or compressed lower-case IPv6 without a scope. */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups becomes "::" (the first one on a tie)
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart == 0 && bestLength == 5 && groups[5] == 0xffff) {
            // IPv4-mapped keeps its dotted tail, as inet_ntop writes it
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}
