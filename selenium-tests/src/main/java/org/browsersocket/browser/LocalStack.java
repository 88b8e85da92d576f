package org.browsersocket.browser;

import org.browsersocket.demo.DemoSite;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;

/**
 * What {@code make run} starts, on free loopback ports: a host runtime and the demo site, whose
 * origin ({@code http://localhost:PORT}) is the one allowed to listen.
 */
public final class LocalStack implements AutoCloseable {
    private final DemoSite site;
    private final HostRuntime runtime;

    private LocalStack(DemoSite site, HostRuntime runtime) {
        this.site = site;
        this.runtime = runtime;
    }

    public static LocalStack start() throws Exception {
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        try {
            HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral(origin(site)));
            site.pointAt(runtime.controlUrl());
            return new LocalStack(site, runtime);
        } catch (Exception e) {
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

    @Override
    public void close() {
        runtime.close();
        site.close();
    }
}
