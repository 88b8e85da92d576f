package org.browsersocket.runtime.activity;

/**
 * A peer connection that has closed, with what passed through it, for the status page's list of
 * recently closed connections.
 *
 * @param openedAt  when its handshake began, epoch milliseconds
 * @param closedAt  when it closed, epoch milliseconds
 * @param closedBy  {@code peer} or {@code page} (the page, or the runtime on its behalf)
 */
public record ClosedConnection(String page, String origin, int listener, int connection, String remote,
                               long openedAt, long closedAt, int code, String reason, String closedBy,
                               long messagesIn, long messagesOut, long bytesIn, long bytesOut) {}
