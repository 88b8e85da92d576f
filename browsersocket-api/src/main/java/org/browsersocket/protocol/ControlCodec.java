package org.browsersocket.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/** Encodes and decodes {@link ControlMessage}s as JSON text. Thread-safe. */
public final class ControlCodec {
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Raised for text that is not a valid control message; the message says why, briefly. */
    public static final class MalformedControlMessage extends Exception {
        MalformedControlMessage(String message) {
            super(message);
        }
    }

    public String encode(ControlMessage message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    public ControlMessage decode(String text) throws MalformedControlMessage {
        try {
            ControlMessage message = mapper.readValue(text, ControlMessage.class);
            if (message == null) {
                throw new MalformedControlMessage("malformed control message: null");
            }
            return message;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedControlMessage("malformed control message: " + cause.getMessage());
        } catch (JsonMappingException e) {
            throw new MalformedControlMessage("malformed control message: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedControlMessage("malformed control message: not JSON ("
                    + e.getOriginalMessage() + ")");
        }
    }
}
