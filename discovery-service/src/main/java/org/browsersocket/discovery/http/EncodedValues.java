package org.browsersocket.discovery.http;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.browsersocket.discovery.directory.ValueFeed;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.StoredValue;

/**
 * The JSON answers of {@code GET /v1/values/{name}} for hot keys, kept and served again while
 * they are still exactly what the store would answer: until the key changes through this
 * instance (a put or a removal, told through {@link ValueFeed}), one of its values expires, or a
 * value's remaining TTL (whole seconds, which the answer shows) ticks down. Entries also age out
 * after {@link #MAX_AGE_MILLIS}, which bounds how long a write by another process on the same
 * embedded database file goes unseen; a store other instances write to (Redis) is not cached
 * at all. Only complete answers are kept (all of a key's values on one page, no placemark given or
 * returned), so paging never meets a stale placemark.
 *
 * <p>A read that raced with a write must not keep what it read: each answer is kept only if no
 * write was told of since before its read (a stamp taken before reading), checked under the same
 * per-key lock that a write's invalidation takes.
 */
final class EncodedValues implements ValueFeed {
    /** Longest an answer is reused, whatever else holds. */
    static final long MAX_AGE_MILLIS = 1000;
    /** Keys kept at most; beyond, everything is dropped and the hot keys come back on their next read. */
    static final int MAX_KEYS = 10_000;

    private record Encoded(String json, long validUntil) {}

    private final boolean enabled;
    private final Map<String, Map<Integer, Encoded>> byKey = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    /** @param enabled false for a store that others write to as well: then nothing is kept */
    EncodedValues(boolean enabled) {
        this.enabled = enabled;
    }

    /** Taken before reading the store; hand it to {@link #keep}. */
    long stamp() {
        return writes.get();
    }

    /** The kept answer for {@code key} with {@code max} values, if it is still true at {@code now}; else null. */
    String answer(byte[] key, int max, long now) {
        if (!enabled) {
            return null;
        }
        Map<Integer, Encoded> answers = byKey.get(HexFormat.of().formatHex(key));
        Encoded encoded = answers == null ? null : answers.get(max);
        return encoded != null && now < encoded.validUntil() ? encoded.json() : null;
    }

    /**
     * Keeps {@code json}, the answer encoded from {@code page} at {@code now}, unless a write was
     * told of since {@code stamp} or the page is not the key's whole set of values.
     */
    void keep(byte[] key, int max, long stamp, Page page, long now, String json) {
        if (!enabled || page.hasMore()) {
            return;
        }
        long validUntil = validUntil(page.values(), now);
        if (validUntil <= now) {
            return;
        }
        if (byKey.size() >= MAX_KEYS) {
            byKey.clear();
        }
        byKey.compute(HexFormat.of().formatHex(key), (hex, answers) -> {
            if (writes.get() != stamp) {
                return answers; // the store may have changed after this page was read
            }
            Map<Integer, Encoded> kept = answers == null ? new ConcurrentHashMap<>() : answers;
            kept.put(max, new Encoded(json, validUntil));
            return kept;
        });
    }

    /** A put or removal on {@code key}: forget its answers (and refuse reads that began before). */
    @Override
    public void published(byte[] key, StoredValue value) {
        if (!enabled) {
            return;
        }
        byKey.compute(HexFormat.of().formatHex(key), (hex, answers) -> {
            writes.incrementAndGet();
            return null;
        });
    }

    /**
     * The first moment the answer encoded at {@code now} is wrong: a value expires, or its TTL in
     * whole seconds (rounded up) drops by one, which happens {@code (ttl - 1) * 1000} ms before expiry.
     */
    static long validUntil(List<StoredValue> values, long now) {
        long until = now + MAX_AGE_MILLIS;
        for (StoredValue v : values) {
            int ttl = v.ttlRemaining(now);
            until = Math.min(until, ttl == 0 ? now : v.expiresAtMillis() - (ttl - 1) * 1000L);
        }
        return until;
    }
}
