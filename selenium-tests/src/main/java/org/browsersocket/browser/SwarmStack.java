package org.browsersocket.browser;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.service.http.BindAddress;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServerLimits;
import org.browsersocket.swarm.demo.GameSite;
import org.browsersocket.swarm.origin.OriginServer;
import org.browsersocket.swarm.tool.SwarmManifestTool;
import picocli.CommandLine;

/**
 * The demo game's swarm on free loopback ports: the game site's origin (version 1, signed with a key
 * made for the run), a host runtime that lets its pages listen, and a discovery service on an
 * embedded store, all in one temporary directory. Pages look for new versions every second and
 * advertise their loopback URL only.
 */
public final class SwarmStack implements AutoCloseable {
    private final Path dir;
    private final Path site;
    private final Path key;
    private final OriginServer origin;
    private final HostRuntime runtime;
    private final DiscoveryServer discovery;

    private SwarmStack(Path dir, Path site, Path key, OriginServer origin, HostRuntime runtime, DiscoveryServer discovery) {
        this.dir = dir;
        this.site = site;
        this.key = key;
        this.origin = origin;
        this.runtime = runtime;
        this.discovery = discovery;
    }

    public static SwarmStack start() throws Exception {
        Path dir = Files.createTempDirectory("browsersocket-swarm-");
        Path site = dir.resolve("game");
        Path key = dir.resolve("game.key");
        tool("keygen", "--key", key.toString());
        GameSite.write(site, 1);
        tool("build", site.toString(), "--key", key.toString(), "--site", "game", "--version", "1", "--exclude", "index.html");
        OriginServer origin = OriginServer.start("127.0.0.1", 0, site, "{}");
        HostRuntime runtime = null;
        try {
            runtime = HostRuntime.start(RuntimeConfig.ephemeral("http://localhost:" + origin.port()));
            // Every visitor here puts from 127.0.0.1: the per-name limit (10 puts a minute from one address) is
            // raised as if each came from an address of its own.
            DiscoveryLimits manyVisitors = new DiscoveryLimits(DiscoveryLimits.DEFAULTS.writesPerSecond(), 1_000,
                    DiscoveryLimits.DEFAULTS.maxStoredBytes(), DiscoveryLimits.DEFAULTS.watchesPerClient(), DiscoveryLimits.DEFAULTS.maxWatches());
            DiscoveryServer discovery = new DiscoveryServer(new Listen(List.of(BindAddress.parse("127.0.0.1")), 0, ServerLimits.DEFAULTS),
                    new StoreLocation.Embedded(dir.resolve("discovery")), manyVisitors);
            discovery.start();
            String publicKey = Files.readString(Path.of(key + ".pub")).strip();
            origin.useSettings("{\"publicKey\":\"" + publicKey + "\",\"discovery\":\"http://127.0.0.1:" + discovery.port()
                    + "\",\"runtime\":\"" + runtime.controlUrl() + "\",\"pollSeconds\":1,\"loopbackOnly\":true}");
            return new SwarmStack(dir, site, key, origin, runtime, discovery);
        } catch (Exception e) {
            if (runtime != null) {
                runtime.close();
            }
            origin.close();
            throw e;
        }
    }

    /** The game's page, e.g. {@code page("")} or {@code page("?swarm=off")}. */
    public String page(String query) {
        return "http://localhost:" + origin.port() + "/" + query;
    }

    /** Where the pages' runtime serves browsersocket.js. */
    public String runtimeUrl() {
        return runtime.controlUrl();
    }

    public String discoveryUrl() {
        return "http://127.0.0.1:" + discovery.port();
    }

    /** Bytes of the site's files the origin has sent so far. */
    public long originBytes() {
        return origin.siteBytesServed();
    }

    /** The site's directory (its files as the origin serves them). */
    public Path site() {
        return site;
    }

    /** The base64url SHA-256 of each of the game's assets as the origin holds them now. */
    public Map<String, Object> assetHashes() throws IOException {
        Map<String, Object> out = new HashMap<>();
        for (String asset : SwarmVisitor.ASSETS) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(site.resolve(asset)));
                out.put(asset, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Publishes version {@code version} of the game: its files, then its signed manifest. */
    public void publish(int version) throws IOException {
        GameSite.write(site, version);
        tool("build", site.toString(), "--key", key.toString(), "--site", "game", "--version", String.valueOf(version),
                "--exclude", "index.html", "--force");
    }

    /** Keeps a copy of the current manifest and signature, to {@link #restore} them later (a rollback). */
    public Path keep() throws IOException {
        Path copy = Files.createTempDirectory(dir, "kept-");
        Files.copy(site.resolve("swarm/manifest.json"), copy.resolve("manifest.json"));
        Files.copy(site.resolve("swarm/manifest.sig"), copy.resolve("manifest.sig"));
        return copy;
    }

    /** Serves a kept manifest and signature again. */
    public void restore(Path kept) throws IOException {
        Files.copy(kept.resolve("manifest.json"), site.resolve("swarm/manifest.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(kept.resolve("manifest.sig"), site.resolve("swarm/manifest.sig"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void tool(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = SwarmManifestTool.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out));
        if (cli.execute(args) != 0) {
            throw new IllegalStateException("swarm-manifest " + String.join(" ", args) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        discovery.stop();
        runtime.close();
        origin.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
