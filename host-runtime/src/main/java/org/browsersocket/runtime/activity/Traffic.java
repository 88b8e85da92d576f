package org.browsersocket.runtime.activity;

import java.util.concurrent.atomic.LongAdder;

/**
 * Messages and bytes relayed between all peers and their pages, since the runtime started.
 * Counted on every message from many event loops, so the counters are striped.
 */
public final class Traffic {
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    /** A message of {@code bytes} from a peer to its page. */
    public void in(int bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    /** A message of {@code bytes} from a page to its peer. */
    public void out(int bytes) {
        messagesOut.increment();
        bytesOut.add(bytes);
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
