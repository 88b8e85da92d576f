package org.browsersocket.discovery.store;

/**
 * One value under a key.
 *
 * @param value         the value bytes (at most {@link Limits#MAX_VALUE_BYTES})
 * @param valueHash     SHA-1 of the value: its identity under the key, and the order of paging
 * @param expiresAtMillis when it disappears (epoch milliseconds; counts on across restarts)
 * @param secretHash    SHA-1 of the secret that may remove it, or null if it is not removable
 */
public record StoredValue(byte[] value, byte[] valueHash, long expiresAtMillis, byte[] secretHash) {
    /** Seconds left at {@code nowMillis}, rounded up; 0 once expired. */
    public int ttlRemaining(long nowMillis) {
        long left = expiresAtMillis - nowMillis;
        return left <= 0 ? 0 : (int) ((left + 999) / 1000);
    }
}
