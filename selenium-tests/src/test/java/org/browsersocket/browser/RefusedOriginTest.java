package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.junit.jupiter.api.Test;

/** A page whose origin the user did not allow gets onerror with a reason it can show. */
class RefusedOriginTest {
    @Test
    void pageFromAnOriginNotAllowedGetsOnerrorSayingWhy() throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral("http://localhost:1"));
             DemoSite site = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
             Chromium chromium = Chromium.start()) {
            chromium.open("http://localhost:" + site.port() + "/tests/lab.html");
            chromium.script("openListener('refused', {})");
            String message = chromium.await(d -> {
                java.util.List<Map<String, Object>> events = chromium.script("return events");
                return events.stream().filter(e -> "error".equals(e.get("type"))).map(e -> (String) e.get("message"))
                        .findFirst().orElse(null);
            });
            assertTrue(message.contains("origin http://localhost:" + site.port() + " is not allowed"), message);
            assertTrue(message.contains("--allow-origin"), message);
        }
    }

    @Test
    void pageWhoseRuntimeIsGoneGetsOnerrorSayingItIsUnreachable() throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral("http://localhost:1"));
             DemoSite site = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
             Chromium chromium = Chromium.start()) {
            chromium.open("http://localhost:" + site.port() + "/tests/lab.html");
            runtime.close(); // the page has its script; the runtime goes away before it listens
            chromium.script("openListener('orphan', {})");
            String message = chromium.await(d -> {
                java.util.List<Map<String, Object>> events = chromium.script("return events");
                return events.stream().filter(e -> "error".equals(e.get("type"))).map(e -> (String) e.get("message"))
                        .findFirst().orElse(null);
            });
            assertTrue(message.contains("unreachable"), message);
        }
    }
}
