package org.browsersocket.discovery.store;

import java.util.List;

/**
 * Where the discovery service keeps its data: many values per key with TTLs (OpenDHT's
 * put/get/rm), and the signed values of (principal, label). Implementations: {@link
 * EmbeddedStore} (one machine, on disk) and {@link RedisStore} (several service instances sharing
 * one Redis). Both pass the same contract tests. Arguments are validated by the caller (the API
 * layer); a store may assume keys, values and TTLs within {@link Limits}.
 */
public interface ValueStore extends AutoCloseable {

    /** What a put answers; the numbers are OpenDHT's return codes. */
    enum PutResult {
        OK(0), OVER_CAPACITY(1), TRY_AGAIN(2);

        public final int code;

        PutResult(int code) {
            this.code = code;
        }
    }

    /**
     * Stores {@code value} under {@code key} until {@code expiresAtMillis}. Putting a value that is
     * already there (same bytes) keeps one copy with the later expiry and, if given, the new secret
     * hash. Returns once the value is durable (on disk, or acknowledged by Redis).
     *
     * @param secretHash SHA-1 of the removal secret, or null for a value that cannot be removed
     */
    PutResult put(byte[] key, byte[] value, long expiresAtMillis, byte[] secretHash);

    /** Up to {@code maxValues} live values of {@code key} after {@code placemark} (empty = from the start). */
    Page get(byte[] key, int maxValues, byte[] placemark, long nowMillis);

    /**
     * Removes the value of {@code key} whose SHA-1 is {@code valueHash}, if it was put with the hash
     * of {@code secret}. Returns whether a value was removed (false: no such value, or wrong secret).
     */
    boolean remove(byte[] key, byte[] valueHash, byte[] secret);

    /** Deletes values whose time ran out; returns how many. Safe to run from several instances. */
    int purgeExpired(long nowMillis);

    /**
     * Stores a signed value if its sequence is higher than the stored one's for the same
     * (principal, label); returns whether it was stored. The signature was checked by the caller.
     */
    boolean putSigned(SignedValue value);

    /** Signed values of {@code label} whose principal starts with {@code principalPrefix} (hex digits), at most {@code limit}. */
    List<SignedValue> findSigned(String principalPrefix, String label, int limit);

    /** Live values under one key (for limits and statistics). */
    int count(byte[] key, long nowMillis);

    @Override
    void close();

    /** A store for {@code location}: opened (directories created, Redis connected) and ready. */
    static ValueStore open(StoreLocation location) {
        if (location instanceof StoreLocation.Embedded embedded) {
            return EmbeddedStore.open(embedded);
        }
        return RedisStore.open((StoreLocation.Redis) location);
    }
}
