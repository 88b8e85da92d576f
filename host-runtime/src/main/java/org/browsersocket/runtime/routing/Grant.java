package org.browsersocket.runtime.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one fetch of {@code browsersocket.js} hands a page: a token that its control channel
 * presents to claim the grant, and the prefixes of its future listeners (one per listener the
 * page may open). Minting them into the script is what lets {@code bs.resourcePrefix} be set
 * synchronously by the constructor.
 */
public final class Grant {
    private final String token;
    private final List<String> prefixes;
    private final long mintedAtNanos;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Grant(String token, List<String> prefixes, long mintedAtNanos) {
        this.token = token;
        this.prefixes = List.copyOf(prefixes);
        this.mintedAtNanos = mintedAtNanos;
    }

    public String token() {
        return token;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    long mintedAtNanos() {
        return mintedAtNanos;
    }

    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Marks an unclaimed grant as gone (so it can no longer be claimed); false if it was claimed. */
    boolean releaseUnclaimed() {
        return claimed.compareAndSet(false, true);
    }

    boolean isClaimed() {
        return claimed.get();
    }
}
