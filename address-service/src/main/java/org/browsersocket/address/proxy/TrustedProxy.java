package org.browsersocket.address.proxy;

import java.util.Objects;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * A network (CIDR block) whose forwarding headers the service may trust, e.g. {@code 10.0.0.0/8}
 * or {@code 2001:db8::/32}; a bare address stands for itself ({@code /32} or {@code /128}).
 */
public final class TrustedProxy {

    /** Plain addresses with an optional prefix length: no ranges, wildcards, masks or zones. */
    private static final IPAddressStringParameters CIDR_ONLY;

    static {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder()
                .allowEmpty(false)
                .allowAll(false)
                .allowSingleSegment(false)
                .allowMask(false)
                .allowPrefixOnly(false)
                .allowWildcardedSeparator(false)
                .setRangeOptions(RangeParameters.NO_RANGE)
                .allow_inet_aton(false);
        builder.getIPv6AddressParametersBuilder().allowZone(false);
        CIDR_ONLY = builder.toParams();
    }

    private final IPAddress block;

    private TrustedProxy(IPAddress block) {
        this.block = block;
    }

    /**
     * Parses {@code ADDRESS/PREFIX} or a bare address.
     *
     * @throws IllegalArgumentException with a one-line reason if {@code text} is not a CIDR
     *         block or has bits set beyond its prefix
     */
    public static TrustedProxy parse(String text) {
        Objects.requireNonNull(text, "text");
        IPAddress address;
        try {
            address = new IPAddressString(text.strip(), CIDR_ONLY).toAddress();
        } catch (AddressStringException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a CIDR block like 10.0.0.0/8 or 2001:db8::/32 ("
                            + e.getMessage() + ")");
        }
        if (address.getNetworkPrefixLength() == null) {
            return new TrustedProxy(address.toPrefixBlock(address.getBitCount()));
        }
        IPAddress block = address.toPrefixBlock();
        if (!block.getLower().withoutPrefixLength().equals(address.getLower().withoutPrefixLength())) {
            throw new IllegalArgumentException("'" + text + "' has host bits set beyond /"
                    + address.getNetworkPrefixLength() + "; did you mean "
                    + block.toCanonicalString() + "?");
        }
        return new TrustedProxy(block);
    }

    /** The block as an IPAddress prefix block. */
    public IPAddress block() {
        return block;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedProxy && ((TrustedProxy) other).block.equals(block);
    }

    @Override
    public int hashCode() {
        return block.hashCode();
    }

    /** The canonical CIDR form, e.g. {@code 10.0.0.0/8}. */
    @Override
    public String toString() {
        return block.toCanonicalString();
    }
}
