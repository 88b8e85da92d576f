package org.browsersocket.discovery.store;

import java.nio.charset.StandardCharsets;

/**
 * How much a store may hold, checked in the same atomic step as the write it limits (an SQLite
 * transaction, a Redis script), so concurrent puts cannot overshoot it.
 *
 * <p>What a record counts for ("stored bytes") is the same in every store: a value counts its
 * bytes, its 20-byte key and hash, 8 bytes of expiry and its 20-byte secret hash if it has one; a
 * signed value counts its label, value, public key and signature, plus 48 bytes (principal and
 * sequence). Expired values count until they are purged (within a minute).
 *
 * @param valuesPerKey most live values one key may hold (a put of a new value beyond it is "over capacity")
 * @param storedBytes  most stored bytes in all (a write beyond it is refused as "storage full")
 */
public record Capacity(int valuesPerKey, long storedBytes) {

    /** Bytes a value record counts for beyond its value and secret hash: key, value hash, expiry. */
    public static final int VALUE_OVERHEAD = 48;
    /** Bytes a signed record counts for beyond its label, value, key and signature: principal, sequence. */
    public static final int SIGNED_OVERHEAD = 48;

    /** No limits at all (for tests of other things). */
    public static final Capacity UNLIMITED = new Capacity(Integer.MAX_VALUE, Long.MAX_VALUE);

    public Capacity {
        if (valuesPerKey < 1 || storedBytes < 0) {
            throw new IllegalArgumentException("capacity out of range: " + valuesPerKey + " values per key, "
                    + storedBytes + " bytes");
        }
    }

    /** What a value record counts for. */
    public static long valueBytes(int valueLength, boolean removable) {
        return VALUE_OVERHEAD + valueLength + (removable ? 20 : 0);
    }

    /** What a signed record counts for. */
    public static long signedBytes(SignedValue value) {
        return SIGNED_OVERHEAD + value.label().getBytes(StandardCharsets.UTF_8).length + value.value().length
                + value.publicKey().length + value.signature().length;
    }
}
