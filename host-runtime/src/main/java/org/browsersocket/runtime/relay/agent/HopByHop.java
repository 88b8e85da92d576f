package org.browsersocket.runtime.relay.agent;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header fields that concern one connection, not the message (RFC 9110 §7.6.1): an intermediary
 * neither forwards nor stores them. Besides the fixed set, every field named in {@code Connection}.
 */
final class HopByHop {
    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate");

    private HopByHop() {}

    /** Copies the end-to-end fields of {@code from} into {@code to}, in order. */
    static void copy(HttpHeaders from, HttpHeaders to) {
        Set<String> named = connectionNamed(from);
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!ALWAYS.contains(name) && !named.contains(name)) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    private static Set<String> connectionNamed(HttpHeaders headers) {
        Set<String> named = new HashSet<>();
        for (String value : headers.getAll("Connection")) {
            for (String token : value.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }
}
