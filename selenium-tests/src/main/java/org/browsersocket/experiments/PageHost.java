package org.browsersocket.experiments;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.browsersocket.bench.RuntimeProcess;
import org.browsersocket.browser.Chromium;
import org.browsersocket.demo.DemoSite;

/**
 * A page-hosted server as a user would run it: a host-runtime process, the demo site, and a
 * headless Chromium on a page of it. {@link #openEcho()} loads the original echo example.
 */
public final class PageHost implements AutoCloseable {
    private final DemoSite site;
    private final RuntimeProcess runtime;
    private final Chromium chromium;
    private final RuntimeProcess relay; // null unless started withRelay

    private PageHost(DemoSite site, RuntimeProcess runtime, Chromium chromium, RuntimeProcess relay) {
        this.site = site;
        this.runtime = runtime;
        this.chromium = chromium;
        this.relay = relay;
    }

    public static PageHost start(Path repoRoot) throws Exception {
        return start(repoRoot, false);
    }

    /**
     * Like {@link #start(Path)}; with {@code withRelay}, a second runtime process serves as a relay
     * ({@code --relay}) and the page's runtime registers with it ({@code --via-relay}), so the
     * page is reachable both directly and through the relay.
     */
    public static PageHost start(Path repoRoot, boolean withRelay) throws Exception {
        return start(repoRoot, withRelay ? List.of() : null);
    }

    /**
     * With a relay (as {@link #start(Path, boolean)} with {@code withRelay}) started with
     * {@code relayFlags} besides its own; {@code null}: no relay.
     */
    public static PageHost start(Path repoRoot, List<String> relayFlags) throws Exception {
        Path jar = repoRoot.resolve("host-runtime/target/host-runtime.jar");
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        String origin = "http://localhost:" + site.port();
        RuntimeProcess relay = null;
        RuntimeProcess runtime = null;
        try {
            relay = relayFlags != null ? RuntimeProcess.startRelay(jar, origin, relayFlags) : null;
            runtime = RuntimeProcess.start(jar, origin, relay == null ? List.of() : relay.viaRelayFlags());
            site.pointAt(runtime.controlUrl());
            return new PageHost(site, runtime, Chromium.start(), relay);
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

    /**
     * The address through the relay of the page's direct address {@code directUrl}, once the page's
     * runtime shows its {@code routes} listener(s) routed through the relay.
     */
    public String throughRelay(String directUrl, int routes) throws Exception {
        if (relay == null) {
            throw new IllegalStateException("this page host was started without a relay");
        }
        runtime.awaitRelayRoutes(routes, Duration.ofSeconds(30));
        return relay.throughRelay(directUrl);
    }

    /** Loads the original echo example in the page; returns its {@code ws://} address. */
    public String openEcho() {
        chromium.open(url("/echo/"));
        String address = chromium.script("return address");
        chromium.await(d -> "Listening.".equals(chromium.script("return document.getElementById('status').textContent")));
        return address;
    }

    /** A page of the demo site (the experiments' pages live under {@code /experiments/}). */
    public String url(String path) {
        return "http://localhost:" + site.port() + path;
    }

    public Chromium chromium() {
        return chromium;
    }

    public RuntimeProcess runtime() {
        return runtime;
    }

    /** The relay the page's runtime registers with; null unless started with one. */
    public RuntimeProcess relay() {
        return relay;
    }

    @Override
    public void close() throws Exception {
        chromium.close();
        runtime.close();
        if (relay != null) {
            relay.close();
        }
        site.close();
    }
}
