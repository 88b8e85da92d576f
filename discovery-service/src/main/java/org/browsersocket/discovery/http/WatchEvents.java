package org.browsersocket.discovery.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.browsersocket.discovery.store.StoredValue;

/**
 * The Server-Sent Events of one read of a watched key, encoded once for all of its watchers (each
 * encoding is made the first time a watcher needs it). Used by the hub's thread only.
 */
final class WatchEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<StoredValue> values;
    private final long now;
    private final String[] hashes;
    private final byte[][] encoded;

    /** @param values the key's live values, read at {@code now} */
    WatchEvents(List<StoredValue> values, long now) {
        this.values = values;
        this.now = now;
        this.hashes = new String[values.size()];
        this.encoded = new byte[values.size()][];
    }

    int size() {
        return values.size();
    }

    /** The value's hash (hex): its identity under the key. */
    String hash(int i) {
        if (hashes[i] == null) {
            hashes[i] = HexFormat.of().formatHex(values.get(i).valueHash());
        }
        return hashes[i];
    }

    long expiresAtMillis(int i) {
        return values.get(i).expiresAtMillis();
    }

    /** {@code event: value} with the value as {@code GET /v1/values} describes it. */
    byte[] value(int i) {
        if (encoded[i] == null) {
            encoded[i] = event("value", JsonApi.describe(values.get(i), now));
        }
        return encoded[i];
    }

    /** {@code event: gone} for the value whose hash is {@code hash}. */
    static byte[] gone(String hash) {
        return event("gone", Map.of("hash", hash));
    }

    private static byte[] event(String name, Object data) {
        try {
            return ("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
