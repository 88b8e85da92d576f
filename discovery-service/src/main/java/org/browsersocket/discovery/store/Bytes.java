package org.browsersocket.discovery.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** The byte work both stores share: value identities, hex names and principal prefixes. */
final class Bytes {
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {}

    static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Lowercase hex: it sorts like the unsigned bytes it encodes, which paging relies on. */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static byte[] unhex(String hex) {
        return HEX.parseHex(hex);
    }

    /**
     * A principal prefix in the form stored principals are compared with (lowercase hex). Anything
     * else is refused rather than matched, as a stray character would silently widen a range scan.
     */
    static String principalPrefix(String prefix) {
        String lower = prefix.toLowerCase(Locale.ROOT);
        if (lower.length() > 40 || !lower.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a principal prefix is 0..40 hex digits");
        }
        return lower;
    }

    /** The first string after every string that starts with {@code prefix} (hex digits sort below '~'). */
    static String afterPrefix(String prefix) {
        return prefix + "~";
    }
}
