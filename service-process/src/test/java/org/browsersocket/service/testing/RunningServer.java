package org.browsersocket.service.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.function.Supplier;

import org.browsersocket.service.http.ServiceServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that starts a server before a test class's tests and stops it after them.
 * Register it on a static field with {@code @RegisterExtension}; create the server on port 0.
 *
 * @param <S> the service's server
 */
public final class RunningServer<S extends ServiceServer>
        implements BeforeAllCallback, AfterAllCallback {

    private final Supplier<S> factory;
    private S server;

    /** @param factory creates the (not yet started) server */
    public RunningServer(Supplier<S> factory) {
        this.factory = factory;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = factory.get();
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop();
    }

    /** The running server. */
    public S server() {
        return server;
    }

    /** {@code http://host:port/path} for the running server; host may be {@code [::1]}. */
    public URI uri(String host, String path) {
        return URI.create("http://" + host + ":" + server.port() + path);
    }

    /** Sends {@code method path} to the server on 127.0.0.1, without a body. */
    public HttpResponse<String> send(String method, String path)
            throws IOException, InterruptedException {
        return Http.send(method, uri("127.0.0.1", path));
    }
}
