package org.browsersocket.runtime;

/**
 * How the runtime does its network I/O.
 *
 * @param transport which of Netty's transports (epoll where available, by default)
 * @param threads   event-loop threads serving the public and control ports' connections
 */
public record IoSettings(Transport.Kind transport, int threads) {
    /**
     * Half the cores, at least one: the browser hosting the pages does the application's work for
     * every message and needs the rest. On a 2-core machine (one thread) measurements showed the
     * lowest CPU time per connection and per message and the lowest round trip; a second thread
     * bought some throughput only by taking CPU time from everything else, and it splits a page's
     * control channel and its peers across threads (each relayed message then hops between them).
     */
    public static final int DEFAULT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    public IoSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("I/O threads must be at least 1");
        }
        java.util.Objects.requireNonNull(transport, "transport");
    }

    public static IoSettings defaults() {
        return new IoSettings(Transport.Kind.AUTO, DEFAULT_THREADS);
    }
}
