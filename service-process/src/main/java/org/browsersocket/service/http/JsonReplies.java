package org.browsersocket.service.http;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON bodies services answer with, written with Jackson. */
public final class JsonReplies {

    /** The {@code Content-Type} of every JSON reply. */
    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonReplies() {
    }

    /** {@code {"status":"ok","service":service}}, the body of {@code /healthz}. */
    public static String health(String service) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("service", service);
        return write(body);
    }

    /** {@code {"error":message}}. */
    public static String error(String message) {
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
