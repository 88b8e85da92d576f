package org.browsersocket.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;

/** A runtime on free ports plus the Java pages and peers a test opened against it; closes them all. */
public final class RuntimeFixture implements AutoCloseable {
    /** The origin the fixture's pages claim, and which the runtime allows. */
    public static final String ORIGIN = "http://localhost:8080";

    private final HostRuntime runtime;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private RuntimeFixture(HostRuntime runtime) {
        this.runtime = runtime;
    }

    public static RuntimeFixture start(RuntimeConfig config) throws Exception {
        return new RuntimeFixture(HostRuntime.start(config));
    }

    public static RuntimeFixture start() throws Exception {
        return start(RuntimeConfig.ephemeral(ORIGIN));
    }

    public HostRuntime runtime() {
        return runtime;
    }

    /** A page of the allowed origin with its control channel open. */
    public JavaPage page() throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), ORIGIN);
        opened.add(page::closeBlocking);
        return page;
    }

    /** A peer whose handshake completed. */
    public JavaPeer peer(String url) throws Exception {
        return connecting(url, Map.of()).awaitOpen();
    }

    /** A peer that started its handshake; the test decides what happens next. */
    public JavaPeer connecting(String url, Map<String, String> headers) {
        JavaPeer peer = new JavaPeer(url, headers);
        opened.add(peer::closeBlocking);
        peer.connect();
        return peer;
    }

    /** The HTTP status an upgrade to this {@code ws://} URL on the public port gets. */
    public int upgradeStatus(String url) throws java.io.IOException {
        return HttpStatusProbe.upgradeStatus("127.0.0.1", runtime.publicPort(), path(url));
    }

    /** The path of a {@code ws://host:port/path} URL. */
    public static String path(String url) {
        return url.substring(url.indexOf('/', "ws://".length()));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        runtime.close();
    }
}
