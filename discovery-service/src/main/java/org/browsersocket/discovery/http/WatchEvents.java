package org.browsersocket.discovery.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.discovery.store.StoredValue;

/**
 * The Server-Sent Events of one read of a watched key, encoded once for all of its watchers (each
 * encoding is made the first time a watcher needs it), and what changed for a watcher, worked out
 * once for all watchers that were told the same: after a fan-out every watcher of the key holds
 * the same {@link #snapshot()}, so the next read compares against it once, not once per watcher.
 * Used by the hub's thread only.
 */
final class WatchEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<StoredValue> values;
    private final long now;
    private final String[] hashes;
    private final byte[][] encoded;
    private Map<String, Long> snapshot;
    /** The events since each snapshot a watcher was told, by the snapshot's identity. */
    private final Map<Map<String, Long>, List<byte[]>> changes = new IdentityHashMap<>();

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

    /** Hash (hex) → expiry of these values: what a watcher has been told once it is sent the changes. */
    Map<String, Long> snapshot() {
        if (snapshot == null) {
            Map<String, Long> current = new HashMap<>();
            for (int i = 0; i < size(); i++) {
                current.put(hash(i), expiresAtMillis(i));
            }
            snapshot = Collections.unmodifiableMap(current);
        }
        return snapshot;
    }

    /**
     * "value" for each value new (or refreshed) since {@code seen}, "gone" for each that left;
     * the same list for every caller with the same {@code seen} (never to be changed).
     */
    List<byte[]> changesSince(Map<String, Long> seen) {
        return changes.computeIfAbsent(seen, this::diff);
    }

    private List<byte[]> diff(Map<String, Long> seen) {
        Map<String, Long> current = snapshot();
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            Long told = seen.get(hash(i));
            if (told == null || told != expiresAtMillis(i)) {
                events.add(value(i));
            }
        }
        for (String hash : seen.keySet()) {
            if (!current.containsKey(hash)) {
                events.add(gone(hash));
            }
        }
        return List.copyOf(events);
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
