package org.browsersocket.runtime.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Encodes and decodes {@link RelayMessage}s as JSON text: the link's one wire format. Thread-safe. */
public final class RelayCodec {
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String encode(RelayMessage message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    /** The message, or an exception whose message says briefly what is wrong with the text. */
    public RelayMessage decode(String text) throws IllegalArgumentException {
        try {
            RelayMessage message = mapper.readValue(text, RelayMessage.class);
            if (message == null) {
                throw new IllegalArgumentException("null");
            }
            return message;
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("malformed relay message: " + (cause == e
                    ? e.getOriginalMessage() : cause.getMessage()));
        }
    }
}
