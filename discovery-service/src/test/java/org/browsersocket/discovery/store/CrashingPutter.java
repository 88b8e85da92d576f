package org.browsersocket.discovery.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link EmbeddedStoreCrashTest}: puts value i under one key and prints
 * "acked i" once each put has returned, on and on until it is killed.
 */
public final class CrashingPutter {
    static final byte[] KEY = ValueStoreContract.key("crash");

    private CrashingPutter() {}

    static byte[] value(int i) {
        return ("value " + i).getBytes(StandardCharsets.UTF_8);
    }

    static long expiresAt(long base, int i) {
        return base + i * 1000L;
    }

    static byte[] secretHash(int i) {
        return i % 2 == 0 ? Bytes.sha1(("secret " + i).getBytes(StandardCharsets.UTF_8)) : null;
    }

    /** Arguments: the store directory and the base expiry (epoch millis). */
    public static void main(String[] args) {
        long base = Long.parseLong(args[1]);
        // Never closed: the point is to be killed mid-flight.
        ValueStore store = EmbeddedStore.open(new StoreLocation.Embedded(Path.of(args[0])));
        for (int i = 0; ; i++) {
            store.put(KEY, value(i), expiresAt(base, i), secretHash(i), System.currentTimeMillis(), Capacity.UNLIMITED);
            System.out.println("acked " + i);
            System.out.flush();
        }
    }
}
