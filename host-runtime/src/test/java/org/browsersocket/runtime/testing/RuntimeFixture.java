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

    /** A page of the allowed origin whose control channel has a fixed, small socket receive buffer (see {@link JavaPage#pauseReading()}). */
    public JavaPage page(int receiveBufferBytes) throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), Map.of("Origin", ORIGIN), receiveBufferBytes);
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

    /** Starts the handshake of a peer the test prepared (and closes it with the fixture). */
    public <T extends JavaPeer> T connecting(T peer) {
        opened.add(peer::closeBlocking);
        peer.connect();
        return peer;
    }

    /** Closes {@code closeable} with the fixture (before the runtime stops). */
    public <T extends AutoCloseable> T closeLater(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    /** The runtime's {@code /status.json}. */
    public com.fasterxml.jackson.databind.JsonNode statusJson() throws Exception {
        String json = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(runtime.controlUrl() + "/status.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    }

    /** {@code config} with another {@code peerWaitMillis} (how long a peer waits for a binding page and for its answer). */
    public static RuntimeConfig withPeerWaitMillis(RuntimeConfig config, int millis) {
        return new RuntimeConfig(config.controlPort(), config.publicPort(), config.allowedOrigins(),
                config.maxMessageBytes(), config.maxListenersPerPage(), config.maxConnectionsPerListener(), millis,
                config.configDir(), config.consentTimeout(), config.peerLimits(), config.reach(), config.io());
    }

    /** {@code config} with another listener limit per page (which is also the number of prefixes minted per grant). */
    public static RuntimeConfig withMaxListenersPerPage(RuntimeConfig config, int listeners) {
        return new RuntimeConfig(config.controlPort(), config.publicPort(), config.allowedOrigins(),
                config.maxMessageBytes(), listeners, config.maxConnectionsPerListener(), config.peerWaitMillis(),
                config.configDir(), config.consentTimeout(), config.peerLimits(), config.reach(), config.io());
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
