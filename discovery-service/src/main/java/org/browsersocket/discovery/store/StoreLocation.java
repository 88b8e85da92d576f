package org.browsersocket.discovery.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the discovery service keeps its data: {@code embedded:DIR} (an embedded persistent store
 * in a directory) or {@code redis://host:port}. This version only parses and reports it; no
 * store is opened or created yet.
 */
public sealed interface StoreLocation permits StoreLocation.Embedded, StoreLocation.Redis {

    /** The default, {@code embedded:./discovery-data}. */
    String DEFAULT = "embedded:./discovery-data";

    /** An embedded store in {@code directory}. */
    record Embedded(Path directory) implements StoreLocation {
        public Embedded {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public String toString() {
            return "embedded:" + directory;
        }
    }

    /** A Redis server at {@code host:port}. */
    record Redis(String host, int port) implements StoreLocation {
        public Redis {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("not a port number: " + port);
            }
        }

        @Override
        public String toString() {
            return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses {@code embedded:DIR} or {@code redis://host:port}.
     *
     * @throws IllegalArgumentException with a one-line reason for anything else
     */
    static StoreLocation parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("embedded:")) {
            String directory = text.substring("embedded:".length());
            if (directory.isBlank()) {
                throw new IllegalArgumentException("'" + text + "' names no directory"
                        + " (expected embedded:DIR)");
            }
            try {
                return new Embedded(Path.of(directory));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'" + text + "' is not a usable directory: "
                        + e.getMessage());
            }
        }
        if (text.startsWith("redis://")) {
            return parseRedis(text);
        }
        throw new IllegalArgumentException("'" + text + "' is not a store"
                + " (expected embedded:DIR or redis://host:port)");
    }

    private static Redis parseRedis(String text) {
        String expected = "'" + text + "' is not a Redis address (expected redis://host:port)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
        boolean onlyHostAndPort = uri.getHost() != null
                && uri.getPort() > 0 && uri.getPort() <= 65535
                && uri.getRawUserInfo() == null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null;
        if (!onlyHostAndPort) {
            throw new IllegalArgumentException(expected);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Redis(host, uri.getPort());
    }
}
