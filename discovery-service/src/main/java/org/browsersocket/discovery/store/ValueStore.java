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

    /**
     * What a put answers; the numbers are OpenDHT's return codes. OVER_CAPACITY: the key holds as
     * many values as it may; STORAGE_FULL: the whole store does (OpenDHT has no code of its own for
     * that, so it is "over capacity" too).
     */
    enum PutResult {
        OK(0), OVER_CAPACITY(1), TRY_AGAIN(2), STORAGE_FULL(1);

        public final int code;

        PutResult(int code) {
            this.code = code;
        }
    }

    /** What a signed put answers. */
    enum SignedResult {
        /** Stored (there was none, or its sequence was lower). */
        STORED,
        /** Not stored: the stored sequence is as high or higher (a replay or a rollback). */
        NOT_HIGHER,
        /** Not stored: it would take the store over its {@link Capacity#storedBytes()}. */
        STORAGE_FULL
    }

    /**
     * Stores {@code value} under {@code key} until {@code expiresAtMillis}, within {@code capacity}
     * (checked and applied in one atomic step, whatever other puts run at once). Putting a value
     * that is already there (same bytes) keeps one copy with the later expiry and, if given, the
     * new secret hash; re-putting a live value is never over the per-key capacity. Returns once the
     * value is durable (on disk, or acknowledged by Redis).
     *
     * @param secretHash SHA-1 of the removal secret, or null for a value that cannot be removed
     * @param nowMillis  the time that decides which values are live, for the per-key capacity
     */
    PutResult put(byte[] key, byte[] value, long expiresAtMillis, byte[] secretHash, long nowMillis, Capacity capacity);

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
     * (principal, label) and the store stays within {@code capacity}'s stored bytes, in one atomic
     * step. The signature was checked by the caller.
     */
    SignedResult putSigned(SignedValue value, Capacity capacity);

    /** Signed values of {@code label} whose principal starts with {@code principalPrefix} (hex digits), at most {@code limit}. */
    List<SignedValue> findSigned(String principalPrefix, String label, int limit);

    /** Live values under one key (for statistics and tests). */
    int count(byte[] key, long nowMillis);

    /** The stored bytes of every record held, expired but unpurged ones included ({@link Capacity}). */
    long storedBytes();

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
