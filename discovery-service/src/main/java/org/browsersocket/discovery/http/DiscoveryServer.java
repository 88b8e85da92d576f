package org.browsersocket.discovery.http;

import java.util.Objects;

import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.http.ServiceServer;

/**
 * The discovery-service HTTP server. This version answers {@code GET /healthz} and nothing else:
 * every other route (the XML-RPC and JSON APIs included) is 501 until the service's API arrives.
 * CORS applies to every response (see {@link ServiceServer}).
 */
public final class DiscoveryServer extends ServiceServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "discovery-service";

    private final StoreLocation store;

    /**
     * @param port  TCP port for IPv4 and IPv6; 0 = any free port
     * @param store where data will be kept (kept, not opened yet)
     */
    public DiscoveryServer(int port, StoreLocation store) {
        super(NAME, port);
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The configured store; recorded for a later version, not opened yet. */
    public StoreLocation store() {
        return store;
    }
}
