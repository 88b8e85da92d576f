package org.browsersocket.runtime.relay.link;

import java.net.URI;

/**
 * A relay's public port as given to {@code --via-relay}: {@code ws://HOST:PORT} or
 * {@code wss://HOST:PORT} (the port defaults to 80 or 443).
 */
public record RelayAddress(boolean secure, String host, int port) {
    public static RelayAddress of(URI uri) {
        boolean secure = "wss".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new RelayAddress(secure, host, port);
    }

    /** {@code ws://host:port}, IPv6 hosts in brackets: what a listener's URL on this relay starts with. */
    public String base() {
        return (secure ? "wss://" : "ws://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** 6 for an IPv6 literal, else 4. */
    public int family() {
        return host.contains(":") ? 6 : 4;
    }
}
