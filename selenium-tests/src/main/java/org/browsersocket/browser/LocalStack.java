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
    private final HostRuntime relay;
    private final Path relayCache;

    private LocalStack(DemoSite site, HostRuntime runtime, AddressServer address, DiscoveryServer discovery,
                       Path discoveryData, HostRuntime relay, Path relayCache) {
        this.site = site;
        this.runtime = runtime;
        this.address = address;
        this.discovery = discovery;
        this.discoveryData = discoveryData;
        this.relay = relay;
        this.relayCache = relayCache;
    }

    public static LocalStack start() throws Exception {
        return start(false);
    }

    /**
     * The stack, and with {@code withRelay} a relay (a runtime with {@code --relay} and a cache in
     * a temporary directory) that the stack's runtime registers with.
     */
    public static LocalStack start(boolean withRelay) throws Exception {
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        HostRuntime runtime = null;
        HostRuntime relay = null;
        Path relayCache = null;
        try {
            RuntimeConfig config = RuntimeConfig.ephemeral(origin(site));
            if (withRelay) {
                relayCache = Files.createTempDirectory("browsersocket-relay-cache-");
                relay = HostRuntime.start(RuntimeConfig.ephemeral().withReach(org.browsersocket.runtime.ReachabilityConfig.none()
                        .withRelay(true, null).withRelayCache(org.browsersocket.runtime.relay.RelayCacheLimits.in(relayCache))));
                config = config.withReach(org.browsersocket.runtime.ReachabilityConfig.none().withViaRelays(
                        List.of(java.net.URI.create("ws://127.0.0.1:" + relay.publicPort())), null));
            }
            runtime = HostRuntime.start(config);
            AddressServer address = new AddressServer(0, List.of());
            address.start();
            Path data = Files.createTempDirectory("browsersocket-discovery-");
            DiscoveryServer discovery = new DiscoveryServer(0, new StoreLocation.Embedded(data));
            discovery.start();
            site.pointAt(runtime.controlUrl());
            site.useServices(new DemoSite.Services("http://127.0.0.1:" + address.port(),
                    "http://[::1]:" + address.port(), "http://127.0.0.1:" + discovery.port(),
                    relay == null ? null : "http://127.0.0.1:" + relay.publicPort()));
            return new LocalStack(site, runtime, address, discovery, data, relay, relayCache);
        } catch (Exception e) {
            if (runtime != null) {
                runtime.close();
            }
            if (relay != null) {
                relay.close();
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

    /** The relay the runtime registers with, or null. */
    public HostRuntime relay() {
        return relay;
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
        delete(discoveryData);
        address.stop();
        runtime.close();
        if (relay != null) {
            relay.close();
            delete(relayCache);
        }
        site.close();
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
