package org.browsersocket.discovery.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import org.browsersocket.discovery.limits.WriteLimits;
import org.browsersocket.discovery.store.Capacity;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.StoredValue;
import org.browsersocket.discovery.store.ValueStore;

/**
 * OpenDHT's operations with their limits checked, on top of a {@link ValueStore}. Both APIs (the
 * XML-RPC one and the JSON one) call these, so they share one key space and one set of rules.
 * Every refusal of bad input is a {@link BadRequest} whose message says what is wrong; a write
 * over its client's rate is a {@link org.browsersocket.discovery.limits.RateLimited}. Writes name
 * their client (an IPv4 address or IPv6 /64), which the rate limits count against.
 */
public final class Directory {
    /** The only hash type OpenDHT defines. */
    public static final String SHA = "SHA";

    private final ValueStore store;
    private final Clock clock;
    private final ValueFeed feed;
    private final WriteLimits limits;
    private final Capacity capacity;

    /**
     * @param limits   the write rate limits
     * @param capacity what the store may hold: values per key and stored bytes
     */
    public Directory(ValueStore store, Clock clock, ValueFeed feed, WriteLimits limits, Capacity capacity) {
        this.store = store;
        this.clock = clock;
        this.feed = feed;
        this.limits = limits;
        this.capacity = capacity;
    }

    /** {@code put(key, value, ttl, application)} by {@code client}. */
    public ValueStore.PutResult put(String client, byte[] key, byte[] value, int ttlSeconds) {
        limits.admitWrite(client);
        return store(client, key, value, ttlSeconds, null);
    }

    /** {@code put_removable(key, value, hash_type, secret_hash, ttl, application)} by {@code client}. */
    public ValueStore.PutResult putRemovable(String client, byte[] key, byte[] value, String hashType, byte[] secretHash,
                                             int ttlSeconds) {
        limits.admitWrite(client);
        requireSha(hashType);
        if (secretHash == null || secretHash.length != 20) {
            throw new BadRequest("secret_hash must be the 20-byte SHA-1 of the secret");
        }
        return store(client, key, value, ttlSeconds, secretHash);
    }

    /** {@code get(key, maxvals, placemark, application)} and {@code get_details}. */
    public Page get(byte[] key, int maxValues, byte[] placemark) {
        requireKey(key);
        if (maxValues < 1 || maxValues > Limits.MAX_VALUES_PER_GET) {
            throw new BadRequest("maxvals must be 1.." + Limits.MAX_VALUES_PER_GET);
        }
        if (placemark == null || placemark.length > 64) {
            throw new BadRequest("placemark must be what a previous get returned (or empty)");
        }
        return store.get(key, maxValues, placemark, clock.millis());
    }

    /**
     * {@code rm(key, value_hash, hash_type, secret, ttl, application)} by {@code client}: 0 when
     * removed or already gone; a wrong secret throws {@link WrongSecret} and removes nothing.
     */
    public ValueStore.PutResult remove(String client, byte[] key, byte[] valueHash, String hashType, byte[] secret,
                                       int ttlSeconds) {
        limits.admitWrite(client);
        requireKey(key);
        requireSha(hashType);
        requireTtl(ttlSeconds);
        if (valueHash == null || valueHash.length != 20) {
            throw new BadRequest("value_hash must be the 20-byte SHA-1 of the value");
        }
        if (secret == null || secret.length == 0 || secret.length > 1024) {
            throw new BadRequest("secret must be 1..1024 bytes");
        }
        boolean present = store.get(key, Limits.MAX_VALUES_PER_GET, new byte[0], clock.millis()).values().stream()
                .anyMatch(v -> MessageDigest.isEqual(v.valueHash(), valueHash));
        if (present) {
            if (!store.remove(key, valueHash, secret)) {
                throw new WrongSecret();
            }
            feed.published(key, null); // watchers and kept answers learn of it, whichever API removed it
        }
        return ValueStore.PutResult.OK;
    }

    public long now() {
        return clock.millis();
    }

    private ValueStore.PutResult store(String client, byte[] key, byte[] value, int ttlSeconds, byte[] secretHash) {
        requireKey(key);
        if (value == null || value.length == 0 || value.length > Limits.MAX_VALUE_BYTES) {
            throw new BadRequest("value must be 1.." + Limits.MAX_VALUE_BYTES + " bytes");
        }
        requireTtl(ttlSeconds);
        limits.admitPut(client, key);
        long now = clock.millis();
        long expiresAt = now + ttlSeconds * 1000L;
        // The per-key and total capacities are checked by the store in the same atomic step as the write.
        ValueStore.PutResult result = store.put(key, value, expiresAt, secretHash, now, capacity);
        if (result == ValueStore.PutResult.OK) {
            feed.published(key, new StoredValue(value, sha1(value), expiresAt, secretHash));
        }
        return result;
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length == 0 || key.length > Limits.MAX_KEY_BYTES) {
            throw new BadRequest("key must be 1.." + Limits.MAX_KEY_BYTES + " bytes (hash longer names with SHA-1)");
        }
    }

    private static void requireTtl(int ttlSeconds) {
        if (ttlSeconds < 1 || ttlSeconds > Limits.MAX_TTL_SECONDS) {
            throw new BadRequest("ttl must be 1.." + Limits.MAX_TTL_SECONDS + " seconds");
        }
    }

    private static void requireSha(String hashType) {
        if (!SHA.equals(hashType)) {
            throw new BadRequest("hash_type must be \"SHA\"");
        }
    }

    /** SHA-1, as OpenDHT uses it for value hashes, secret hashes and long names. */
    public static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key for a name: the SHA-1 of its UTF-8 bytes, as OpenDHT's clients compute it. */
    public static byte[] keyOf(String name) {
        return sha1(name.getBytes(StandardCharsets.UTF_8));
    }
}
