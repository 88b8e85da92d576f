package org.browsersocket.runtime.page;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.browsersocket.runtime.routing.Router;

/** One {@code BrowserSocket} of a page: its prefix and what passed through it. */
public final class Listener {
    private final PageSession session;
    private final Router.Slot<Listener> slot;
    final AtomicInteger connections = new AtomicInteger();
    /** HTTP requests in progress. */
    final AtomicInteger exchanges = new AtomicInteger();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    private final boolean credentialHeaders;
    private volatile boolean closed;

    Listener(PageSession session, Router.Slot<Listener> slot, boolean credentialHeaders) {
        this.session = session;
        this.slot = slot;
        this.credentialHeaders = credentialHeaders;
    }

    /** Whether the page asked to see its peers' Cookie and Authorization headers. */
    boolean credentialHeaders() {
        return credentialHeaders;
    }

    public PageSession session() {
        return session;
    }

    public int index() {
        return slot.index();
    }

    public String prefix() {
        return slot.prefix();
    }

    Router.Slot<Listener> slot() {
        return slot;
    }

    public int connectionCount() {
        return connections.get();
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }
}
