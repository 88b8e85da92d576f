package org.browsersocket.address.http;

import java.util.List;

import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.service.http.ServiceServer;

/**
 * The address-service HTTP server. This version answers {@code GET /healthz} and nothing else:
 * every other route is 501 until the service's API arrives. CORS applies to every response
 * (see {@link ServiceServer}).
 */
public final class AddressServer extends ServiceServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "address-service";

    private final List<TrustedProxy> trustedProxies;

    /**
     * @param port           TCP port for IPv4 and IPv6; 0 = any free port
     * @param trustedProxies networks whose forwarding headers may be honoured (kept, not used yet)
     */
    public AddressServer(int port, List<TrustedProxy> trustedProxies) {
        super(NAME, port);
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** The configured trusted proxies; recorded for a later version, not consulted yet. */
    public List<TrustedProxy> trustedProxies() {
        return trustedProxies;
    }
}
