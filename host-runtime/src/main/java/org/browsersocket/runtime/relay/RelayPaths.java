package org.browsersocket.runtime.relay;

/**
 * The relay's own paths on its public port. Pages' prefixes never start with a dot, so these
 * cannot collide with a route.
 * <ul>
 * <li>{@code GET /.relay/link} (WebSocket, header {@code X-BrowserSocket-Relay-Token} when the relay
 * is private): a registrant's link, carrying {@link RelayMessage}s.</li>
 * <li>{@code GET /.relay/attach/STREAM} ({@code Upgrade: browsersocket-relay}): the registrant's
 * connection for one relayed peer; after the relay's 101 it carries the peer's bytes both ways,
 * starting with the peer's own upgrade request. For a plain HTTP request the relay passes on as
 * its pages' agent, it carries one HTTP/1.1 exchange instead: the relay's request (with
 * {@code Connection: close}) and the page's response.</li>
 * </ul>
 */
public final class RelayPaths {
    public static final String LINK = "/.relay/link";
    public static final String ATTACH = "/.relay/attach/";
    public static final String TOKEN_HEADER = "X-BrowserSocket-Relay-Token";
    public static final String ATTACH_UPGRADE = "browsersocket-relay";

    private RelayPaths() {}

    /** Whether a request path is one of the relay's. */
    public static boolean isRelayPath(String path) {
        return path.equals(LINK) || path.startsWith(ATTACH);
    }
}
