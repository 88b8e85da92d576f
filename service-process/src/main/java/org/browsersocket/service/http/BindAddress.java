package org.browsersocket.service.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One address a server listens on ({@code --bind}): {@code *} for every IPv4 and IPv6 address of
 * the machine, or one IP address written out, e.g. {@code 127.0.0.1} or {@code ::1}. Host names
 * are refused, so a typo cannot make a server listen somewhere unexpected.
 */
public final class BindAddress {

    /** Every address, IPv4 and IPv6 (only IPv4 with {@code -Djava.net.preferIPv4Stack=true}). */
    public static final BindAddress ANY = new BindAddress(null);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final InetAddress address; // null = every address

    private BindAddress(InetAddress address) {
        this.address = address;
    }

    /**
     * Parses {@code *} or an IPv4/IPv6 literal (an IPv6 one may be in brackets).
     *
     * @throws IllegalArgumentException with a one-line reason for anything else
     */
    public static BindAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String literal = text.strip();
        if (literal.equals("*")) {
            return ANY;
        }
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        boolean looksLikeIp = IPV4.matcher(literal).matches()
                || (literal.contains(":") && IPV6.matcher(literal).matches());
        if (looksLikeIp) {
            try {
                // A literal: InetAddress parses it without asking DNS.
                return of(InetAddress.getByName(literal));
            } catch (UnknownHostException e) {
                // falls through to the reason below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address nor * (all addresses);"
                + " e.g. 127.0.0.1, ::1 or 0.0.0.0");
    }

    /** Listening on exactly {@code address}. */
    public static BindAddress of(InetAddress address) {
        return new BindAddress(Objects.requireNonNull(address, "address"));
    }

    /** Whether this is {@link #ANY}. */
    public boolean isAny() {
        return address == null;
    }

    /** The host Jetty binds: {@code ::} (both families) or {@code 0.0.0.0} for ANY, else the literal. */
    String host() {
        if (address == null) {
            return ipv4Only() ? "0.0.0.0" : "::";
        }
        return text(address);
    }

    /** Lines to print once bound to {@code port}, e.g. {@code http://[::1]:7050 (IPv6)}; two for ANY. */
    String[] describe(int port) {
        if (address == null) {
            String v4 = "http://0.0.0.0:" + port + " (IPv4)";
            return ipv4Only() ? new String[] {v4} : new String[] {v4, "http://[::]:" + port + " (IPv6)"};
        }
        if (address instanceof Inet6Address) {
            return new String[] {"http://[" + text(address) + "]:" + port + " (IPv6)"};
        }
        return new String[] {"http://" + text(address) + ":" + port + " (IPv4)"};
    }

    private static boolean ipv4Only() {
        return Boolean.getBoolean("java.net.preferIPv4Stack");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BindAddress that && Objects.equals(address, that.address);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(address);
    }

    /** {@code *} or the address literal. */
    @Override
    public String toString() {
        return address == null ? "*" : text(address);
    }

    /** IPv4 dotted, IPv6 in its short form (RFC 5952: the longest run of zero groups is "::"). */
    private static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
