package org.browsersocket.runtime.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The link's wire format: {@link RelayMessage}s as JSON text frames, and a published body as
 * binary frames of at most {@link #MAX_FRAME} bytes. Thread-safe.
 */
public final class RelayCodec {
    /** The largest frame on a link, either way. */
    public static final int MAX_FRAME = 64 * 1024;

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

    /** The binary frames that carry a published body (none for an empty one), sharing its bytes. */
    public List<BinaryWebSocketFrame> bodyFrames(byte[] body) {
        List<BinaryWebSocketFrame> frames = new ArrayList<>(body.length / MAX_FRAME + 1);
        for (int offset = 0; offset < body.length; offset += MAX_FRAME) {
            frames.add(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(body, offset, Math.min(MAX_FRAME, body.length - offset))));
        }
        return frames;
    }
}
