package org.browsersocket.runtime;

/**
 * How the runtime does its network I/O.
 *
 * @param transport which of Netty's transports (epoll where available, by default)
 * @param threads   event-loop threads serving the public and control ports' connections
 */
public record IoSettings(Transport.Kind transport, int threads) {
    /**
     * One thread: on a machine where the browser shares the few cores, a second I/O thread bought
     * no throughput in measurements and split a page's control channel and its peers across
     * threads (every relayed message then hops between them).
     */
    public static final int DEFAULT_THREADS = 1;

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
