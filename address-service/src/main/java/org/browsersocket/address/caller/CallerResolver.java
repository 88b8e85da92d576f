package org.browsersocket.address.caller;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.address.proxy.TrustedProxy;

/**
 * Decides who the caller is. The direct peer is the caller unless it is a trusted proxy; then the
 * one forwarding header the proxies append to ({@link ForwardingHeader}: {@code X-Forwarded-For}
 * or {@code Forwarded}, never both) is walked from the right past every trusted hop, and the first
 * untrusted hop is the caller. The other header is ignored, as whatever it holds came from the
 * client. A malformed or obfuscated hop ends the walk (the last trusted hop is then the answer):
 * headers never make up an address.
 */
public final class CallerResolver {
    private static final int MAX_HOPS = 32;

    /** One address, written out in full: no prefixes, ranges, wildcards, masks or inet_aton forms. */
    private static final IPAddressStringParameters PLAIN_ADDRESS;

    static {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder()
                .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false)
                .allowPrefix(false).allowPrefixOnly(false).allowWildcardedSeparator(false)
                .setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false);
        builder.getIPv6AddressParametersBuilder().allowZone(false);
        PLAIN_ADDRESS = builder.toParams();
    }

    private final List<TrustedProxy> trusted;
    private final ForwardingHeader header;

    /**
     * @param trusted the proxies whose forwarding header counts
     * @param header  the header they append the client's address to; the other one is ignored
     */
    public CallerResolver(List<TrustedProxy> trusted, ForwardingHeader header) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
    }

    /**
     * @param peerAddress    the socket peer's address as text (may carry an IPv6 zone)
     * @param peerPort       the socket peer's port
     * @param forwarded      values of {@code Forwarded} headers, in order (may be empty)
     * @param xForwardedFor  values of {@code X-Forwarded-For} headers, in order (may be empty)
     */
    public Caller resolve(String peerAddress, int peerPort, List<String> forwarded, List<String> xForwardedFor) {
        // Jetty writes an IPv6 peer in brackets.
        String bare = peerAddress != null && peerAddress.startsWith("[") && peerAddress.endsWith("]")
                ? peerAddress.substring(1, peerAddress.length() - 1) : peerAddress;
        IPAddress peer = parseAddress(bare)
                .orElseThrow(() -> new IllegalArgumentException("socket peer is not an IP address"));
        return resolve(peer, peerPort, forwarded, xForwardedFor);
    }

    /**
     * As {@link #resolve(String, int, List, List)} for the socket's own address, taken as it is
     * (no text to parse: this runs on every request).
     */
    public Caller resolve(InetAddress peerAddress, int peerPort, List<String> forwarded, List<String> xForwardedFor) {
        byte[] bytes = peerAddress.getAddress();
        IPAddress peer = normalize(bytes.length == 4 ? new IPv4Address(bytes) : new IPv6Address(bytes));
        return resolve(peer, peerPort, forwarded, xForwardedFor);
    }

    private Caller resolve(IPAddress peer, int peerPort, List<String> forwarded, List<String> xForwardedFor) {
        Caller caller = new Caller(peer, peerPort);
        if (!isTrusted(peer)) {
            return caller;
        }
        List<Caller> hops = header == ForwardingHeader.FORWARDED ? forwardedHops(forwarded) : xForwardedForHops(xForwardedFor);
        for (int i = hops.size() - 1; i >= 0 && isTrusted(caller.address()); i--) {
            Caller hop = hops.get(i);
            if (hop == null) {
                break; // malformed or hidden hop: stop at what we know
            }
            caller = hop;
        }
        return caller;
    }

    private boolean isTrusted(IPAddress address) {
        return trusted.stream().anyMatch(proxy -> proxy.block().contains(address));
    }

    /** {@code Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"} → hops (null = unusable). */
    static List<Caller> forwardedHops(List<String> headers) {
        List<Caller> hops = new ArrayList<>();
        for (String header : headers) {
            for (String element : splitOutsideQuotes(header, ',')) {
                if (hops.size() >= MAX_HOPS) {
                    return hops;
                }
                Caller hop = null;
                for (String pair : splitOutsideQuotes(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                        hop = parseHop(unquote(pair.substring(eq + 1).trim()));
                    }
                }
                hops.add(hop);
            }
        }
        return hops;
    }

    /** {@code X-Forwarded-For: client, proxy1, proxy2} → hops (null = unusable). */
    static List<Caller> xForwardedForHops(List<String> headers) {
        List<Caller> hops = new ArrayList<>();
        for (String header : headers) {
            for (String item : header.split(",", -1)) {
                if (hops.size() >= MAX_HOPS) {
                    return hops;
                }
                hops.add(parseHop(item.trim()));
            }
        }
        return hops;
    }

    /** An address with an optional port ({@code 1.2.3.4}, {@code 1.2.3.4:5}, {@code [::1]:5}, {@code ::1}); null if not one. */
    static Caller parseHop(String text) {
        if (text.isEmpty() || text.length() > 100) {
            return null;
        }
        String address = text;
        String port = null;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0) {
                return null;
            }
            address = text.substring(1, end);
            String rest = text.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            address = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        Integer portNumber = null;
        if (port != null) {
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                return null;
            }
            portNumber = Integer.parseInt(port);
        }
        Integer finalPort = portNumber;
        return parseAddress(address).map(ip -> new Caller(ip, finalPort)).orElse(null);
    }

    /** Parses one plain IP address (an IPv6 zone is dropped, IPv4-mapped IPv6 becomes IPv4). */
    public static Optional<IPAddress> parseAddress(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        String withoutZone = text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
        IPAddress address = new IPAddressString(withoutZone, PLAIN_ADDRESS).getAddress();
        return Optional.ofNullable(address).map(CallerResolver::normalize);
    }

    private static IPAddress normalize(IPAddress address) {
        if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
            return address.toIPv6().getEmbeddedIPv4Address();
        }
        return address;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString().trim());
        return parts;
    }
}
