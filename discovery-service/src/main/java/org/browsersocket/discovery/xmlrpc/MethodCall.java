package org.browsersocket.discovery.xmlrpc;

import java.util.List;
import java.util.Objects;

/**
 * One XML-RPC call: the method name and its parameters as Java values ({@code String},
 * {@code Integer}, {@code Boolean}, {@code Double}, {@code byte[]} for base64, {@code List} for
 * arrays, {@code Map<String, Object>} for structs).
 */
public record MethodCall(String method, List<Object> params) {
    public MethodCall {
        Objects.requireNonNull(method, "method");
        params = List.copyOf(params);
    }
}
