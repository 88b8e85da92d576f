package org.browsersocket.runtime.activity;

/**
 * One thing that happened to a page, a listener or a peer connection, as the status page's event
 * log shows it. Only lifecycle steps are events, never single messages.
 *
 * @param seq        increasing number, so a reader can ask for what came after the last it saw
 * @param at         when, in epoch milliseconds
 * @param kind       {@code page-connected}, {@code page-left}, {@code listener-opened},
 *                   {@code listener-stopped}, {@code handshake}, {@code accepted}, {@code rejected},
 *                   {@code closed}
 * @param page       the page's name, e.g. {@code page#3}
 * @param listener   the listener's index, or null
 * @param connection the connection's id, or null
 * @param remote     the peer's address, or null
 * @param code       close code or HTTP status, or null
 * @param detail     why, or what else is worth knowing (page-supplied text included: display it escaped)
 */
public record ActivityEvent(long seq, long at, String kind, String page, Integer listener, Integer connection,
                            String remote, Integer code, String detail) {}
