package org.browsersocket.runtime.routing;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Mints the unguessable names the runtime hands out: resource prefixes (the capability a peer
 * needs to reach a listener) and page tokens. Each carries 128 bits from a {@link SecureRandom}.
 */
public final class PrefixMinter {
    /** Random bits in every prefix and token. */
    public static final int RANDOM_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    /** A fresh prefix such as {@code /q3Jx...Zw/}: starts and ends with a slash, URL-safe. */
    public String mintPrefix() {
        return "/" + randomName() + "/";
    }

    /** A fresh page token. */
    public String mintToken() {
        return randomName();
    }

    private String randomName() {
        byte[] bytes = new byte[RANDOM_BITS / 8];
        random.nextBytes(bytes);
        return encoder.encodeToString(bytes);
    }

    /**
     * Whether a prefix minted elsewhere (the extension's) has the form and strength of ours:
     * {@code /} + 22 URL-safe base64 characters (128 bits) + {@code /}.
     */
    public static boolean isWellFormed(String prefix) {
        return prefix != null && prefix.matches("/[A-Za-z0-9_-]{22}/");
    }

    /**
     * The prefix a request path is addressed to ({@code /name/} for {@code /name/anything}), or
     * null when the path has no such first segment.
     */
    public static String prefixOf(String path) {
        if (path == null || path.length() < 3 || path.charAt(0) != '/') {
            return null;
        }
        int end = path.indexOf('/', 1);
        return end < 2 ? null : path.substring(0, end + 1);
    }
}
