package org.browsersocket.address.http;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The service's JSON bodies, written with Jackson. */
final class JsonReplies {

    static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReplies() {
    }

    static String health(String service) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("service", service);
        return write(body);
    }

    static String error(String message) {
        return write(Map.of("error", message));
    }

    private static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body, e);
        }
    }
}
