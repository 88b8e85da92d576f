package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.Map;

/**
 * The directives of a message's {@code Cache-Control} header fields (all of them, as one list),
 * by lower-case name; a directive without an argument maps to "". RFC 9111 §5.2.
 */
record CacheControl(Map<String, String> directives) {
    static final CacheControl NONE = new CacheControl(Map.of());
    static final long MAX_SECONDS = 1L << 31;

    static CacheControl of(HttpHeaders headers) {
        Map<String, String> directives = new HashMap<>();
        for (String value : headers.getAll("Cache-Control")) {
            parseInto(value, directives);
        }
        return directives.isEmpty() ? NONE : new CacheControl(Map.copyOf(directives));
    }

    static CacheControl parse(String value) {
        Map<String, String> directives = new HashMap<>();
        parseInto(value, directives);
        return new CacheControl(Map.copyOf(directives));
    }

    boolean has(String name) {
        return directives.containsKey(name);
    }

    /**
     * A directive's delta-seconds argument: -1 when the directive is absent, 0 when it is present
     * but not a valid number (RFC 9111 §4.2.1: an invalid freshness value means stale).
     */
    long seconds(String name) {
        return deltaSeconds(directives.get(name));
    }

    /** A delta-seconds value (§1.2.2): -1 for null, 0 when not a number, at most 2^31. */
    static long deltaSeconds(String value) {
        if (value == null) {
            return -1;
        }
        value = value.trim();
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return value.length() > 10 ? MAX_SECONDS : Math.min(Long.parseLong(value), MAX_SECONDS);
    }

    private static void parseInto(String value, Map<String, String> into) {
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ',' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && value.charAt(i) != '=' && value.charAt(i) != ',') {
                i++;
            }
            String name = value.substring(nameStart, i).trim().toLowerCase(java.util.Locale.ROOT);
            String argument = "";
            if (i < n && value.charAt(i) == '=') {
                i++;
                if (i < n && value.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < n && value.charAt(i) != '"') {
                        if (value.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        quoted.append(value.charAt(i++));
                    }
                    i++; // the closing quote
                    argument = quoted.toString();
                    while (i < n && value.charAt(i) != ',') {
                        i++;
                    }
                } else {
                    int argumentStart = i;
                    while (i < n && value.charAt(i) != ',') {
                        i++;
                    }
                    argument = value.substring(argumentStart, i).trim();
                }
            }
            if (!name.isEmpty()) {
                into.putIfAbsent(name, argument); // RFC 9111 §4.2.1: the first of duplicates counts
            }
        }
    }
}
