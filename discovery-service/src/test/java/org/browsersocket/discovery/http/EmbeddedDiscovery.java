package org.browsersocket.discovery.http;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.http.Listen;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A discovery service on an embedded store in a directory of its own, on a free port, for the
 * tests of one class ({@code @RegisterExtension static final}): started before the first test,
 * stopped and its directory deleted after the last.
 */
final class EmbeddedDiscovery implements BeforeAllCallback, AfterAllCallback {
    private final DiscoveryLimits limits;
    private Path data;
    private DiscoveryServer server;

    EmbeddedDiscovery(DiscoveryLimits limits) {
        this.limits = limits;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        data = Files.createTempDirectory("discovery-test-");
        server = new DiscoveryServer(Listen.everywhere(0), new StoreLocation.Embedded(data.resolve("store")), limits);
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        server.stop();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    int port() {
        return server.port();
    }

    /** {@code path} on this service, e.g. {@code /v1/values/lobby}. */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
