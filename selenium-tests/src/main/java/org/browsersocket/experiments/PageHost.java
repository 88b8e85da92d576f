package org.browsersocket.experiments;

import java.nio.file.Path;
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

    private PageHost(DemoSite site, RuntimeProcess runtime, Chromium chromium) {
        this.site = site;
        this.runtime = runtime;
        this.chromium = chromium;
    }

    public static PageHost start(Path repoRoot) throws Exception {
        DemoSite site = DemoSite.start("127.0.0.1", 0, DemoSite.DEFAULT_RUNTIME);
        RuntimeProcess runtime = null;
        try {
            runtime = RuntimeProcess.start(repoRoot.resolve("host-runtime/target/host-runtime.jar"),
                    "http://localhost:" + site.port());
            site.pointAt(runtime.controlUrl());
            return new PageHost(site, runtime, Chromium.start());
        } catch (Exception e) {
            if (runtime != null) {
                runtime.close();
            }
            site.close();
            throw e;
        }
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

    @Override
    public void close() throws Exception {
        chromium.close();
        runtime.close();
        site.close();
    }
}
