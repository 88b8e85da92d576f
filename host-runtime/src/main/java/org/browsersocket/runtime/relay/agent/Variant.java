package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which stored response answers which request when a response says {@code Vary} (RFC 9111 §4.1):
 * the values the varied request fields had, as the request that brought the response sent them.
 *
 * @param name  a request field name, lower case
 * @param value its value, normalised (lines joined with ", ", spaces around commas dropped); null: absent
 */
record Variant(String name, String value) {
    /** The request field names {@code response} varies by (lower case), or null for {@code Vary: *}. */
    static List<String> names(HttpHeaders response) {
        List<String> names = new ArrayList<>();
        for (String value : response.getAll("Vary")) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (name.equals("*")) {
                    return null;
                }
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** What {@code request} had of the fields {@code response} varies by (empty without Vary). */
    static List<Variant> of(HttpHeaders response, HttpHeaders request) {
        List<String> names = names(response);
        if (names == null) {
            throw new IllegalArgumentException("Vary: * has no variants");
        }
        return names.stream().map(name -> new Variant(name, normalised(request, name))).toList();
    }

    /** Whether a response stored with {@code variants} may answer {@code request}. */
    static boolean matches(List<Variant> variants, HttpHeaders request) {
        for (Variant variant : variants) {
            if (!java.util.Objects.equals(variant.value, normalised(request, variant.name))) {
                return false;
            }
        }
        return true;
    }

    private static String normalised(HttpHeaders request, String name) {
        List<String> lines = request.getAll(name);
        if (lines.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String line : lines) {
            for (String part : line.split(",")) {
                parts.add(part.trim());
            }
        }
        return String.join(", ", parts);
    }
}
