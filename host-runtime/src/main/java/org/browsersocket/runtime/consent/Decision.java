package org.browsersocket.runtime.consent;

/** What the user said about an origin that wants to accept connections. */
public enum Decision {
    /** Allowed from now on (persisted). */
    ALLOW,
    /** Allowed for the pages waiting now only (not persisted). */
    ONCE,
    /** Refused from now on (persisted). */
    DENY;

    /** Parses the status page's words: {@code allow}, {@code once}, {@code deny}; null if none. */
    public static Decision parse(String word) {
        if (word == null) {
            return null;
        }
        return switch (word) {
            case "allow" -> ALLOW;
            case "once" -> ONCE;
            case "deny" -> DENY;
            default -> null;
        };
    }
}
