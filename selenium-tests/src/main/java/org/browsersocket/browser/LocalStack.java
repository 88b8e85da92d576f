package org.browsersocket.browser;

import java.util.List;
import org.browsersocket.address.http.AddressServer;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;

/**
 * What {@code make run} starts, on free loopback ports: a host runtime, the address service and
 * the demo site, whose origin ({@code http://localhost:PORT}) is the one allowed to listen and
 * differs from the address service's ({@code http://127.0.0.1:PORT}, {@code http://[::1]:PORT}).
 */
public final class LocalStack implements AutoCloseable {
    private final DemoSite site;
    private final HostRuntime runtime;
    private final AddressServer address;

    private LocalStack(DemoSite site, HostRuntime runtime, AddressServer address) {
        this.site = site;
        this.runtime = runtime;
        this.address = address;
    }

    public static LocalStack start() throws Exception {
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        HostRuntime runtime = null;
        try {
            runtime = HostRuntime.start(RuntimeConfig.ephemeral(origin(site)));
            AddressServer address = new AddressServer(0, List.of());
            address.start();
            site.pointAt(runtime.controlUrl());
            site.useServices(new DemoSite.Services("http://127.0.0.1:" + address.port(),
                    "http://[::1]:" + address.port(), null));
            return new LocalStack(site, runtime, address);
        } catch (Exception e) {
            if (runtime != null) {
                runtime.close();
            }
            site.close();
            throw e;
        }
    }

    private static String origin(DemoSite site) {
        return "http://localhost:" + site.port();
    }

    /** The origin pages are served from. */
    public String origin() {
        return origin(site);
    }

    /** A page of the demo site, e.g. {@code url("/chat/")}. */
    public String url(String path) {
        return origin() + path;
    }

    public HostRuntime runtime() {
        return runtime;
    }

    public AddressServer addressService() {
        return address;
    }

    @Override
    public void close() {
        address.stop();
        runtime.close();
        site.close();
    }
}
