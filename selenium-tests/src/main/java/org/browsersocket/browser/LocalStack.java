package org.browsersocket.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.browsersocket.address.http.AddressServer;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;

/**
 * What {@code make run} starts, on free loopback ports: a host runtime, the address and discovery
 * services (the latter on an embedded store in a temporary directory) and the demo site, whose
 * origin ({@code http://localhost:PORT}) is the one allowed to listen and differs from the
 * services' ({@code http://127.0.0.1:PORT}, {@code http://[::1]:PORT}).
 */
public final class LocalStack implements AutoCloseable {
    private final DemoSite site;
    private final HostRuntime runtime;
    private final AddressServer address;
    private final DiscoveryServer discovery;
    private final Path discoveryData;

    private LocalStack(DemoSite site, HostRuntime runtime, AddressServer address, DiscoveryServer discovery,
                       Path discoveryData) {
        this.site = site;
        this.runtime = runtime;
        this.address = address;
        this.discovery = discovery;
        this.discoveryData = discoveryData;
    }

    public static LocalStack start() throws Exception {
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        HostRuntime runtime = null;
        try {
            runtime = HostRuntime.start(RuntimeConfig.ephemeral(origin(site)));
            AddressServer address = new AddressServer(0, List.of());
            address.start();
            Path data = Files.createTempDirectory("browsersocket-discovery-");
            DiscoveryServer discovery = new DiscoveryServer(0, new StoreLocation.Embedded(data));
            discovery.start();
            site.pointAt(runtime.controlUrl());
            site.useServices(new DemoSite.Services("http://127.0.0.1:" + address.port(),
                    "http://[::1]:" + address.port(), "http://127.0.0.1:" + discovery.port()));
            return new LocalStack(site, runtime, address, discovery, data);
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

    public DiscoveryServer discoveryService() {
        return discovery;
    }

    @Override
    public void close() {
        discovery.stop();
        try (Stream<Path> files = Files.walk(discoveryData)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a leftover temporary directory is harmless
        }
        address.stop();
        runtime.close();
        site.close();
    }
}
