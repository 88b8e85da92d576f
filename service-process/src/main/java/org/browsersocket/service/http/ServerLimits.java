package org.browsersocket.service.http;

import java.time.Duration;

/**
 * What a service server grants one connection, one client and all of them, so that slow or
 * greedy clients cannot starve the others. A client is an IPv4 address or an IPv6 /64
 * ({@link ClientKey}).
 *
 * @param idleTimeout          a connection on which nothing moves for this long is closed
 * @param requestDeadline      a request must arrive in time: the head of a connection's first
 *                             request within this time of connecting (else the connection is
 *                             closed), a body in full within this time of its head (else 408).
 *                             Neither holds a thread while it trickles in
 * @param maxBodyBytes         largest request body; a larger one is refused with 413, unread
 * @param connectionsPerClient connections one client may hold at once; HTTP/1.1 carries one
 *                             request at a time per connection, so this also caps the client's
 *                             concurrent requests. Requests on connections beyond it get 429;
 *                             connections beyond twice it are closed at once
 * @param maxConnections       connections the server holds at once; beyond it, it stops
 *                             accepting until some close
 * @param maxThreads           threads serving requests
 */
public record ServerLimits(Duration idleTimeout, Duration requestDeadline, int maxBodyBytes,
                           int connectionsPerClient, int maxConnections, int maxThreads) {

    /** 10 s idle, 10 s per request head and per body, 64 KiB bodies, 64 connections per client, 20,000 in all, 200 threads. */
    public static final ServerLimits DEFAULTS = new ServerLimits(Duration.ofSeconds(10),
            Duration.ofSeconds(10), 64 * 1024, 64, 20_000, 200);

    public ServerLimits {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || requestDeadline.isNegative()
                || requestDeadline.isZero()) {
            throw new IllegalArgumentException("time-outs must be positive");
        }
        if (maxBodyBytes < 0 || connectionsPerClient < 1 || maxConnections < 1 || maxThreads < 8) {
            throw new IllegalArgumentException("limits out of range: " + maxBodyBytes + " body bytes, "
                    + connectionsPerClient + " connections per client, " + maxConnections
                    + " connections, " + maxThreads + " threads (at least 8)");
        }
    }

    /** The same, with another largest request body. */
    public ServerLimits withMaxBodyBytes(int bytes) {
        return new ServerLimits(idleTimeout, requestDeadline, bytes, connectionsPerClient, maxConnections, maxThreads);
    }
}
