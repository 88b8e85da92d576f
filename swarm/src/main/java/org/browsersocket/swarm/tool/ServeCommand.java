package org.browsersocket.swarm.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.demo.GameSite;
import org.browsersocket.swarm.manifest.ManifestCodec;
import org.browsersocket.swarm.manifest.SiteKey;
import org.browsersocket.swarm.origin.OriginServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swarm-manifest serve SITE_DIR}: the site's origin (its files, its signed manifest, the
 * swarm's scripts and the pages' settings); with {@code --demo}, first writes the demo game into
 * SITE_DIR, with a key of its own, and signs it.
 */
@Command(name = "serve", usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Serves SITE_DIR as its site's origin: the files, swarm/manifest.json and .sig (with ETags, so pages"
                    + " notice a new version), /browsersocket-swarm.js, the service worker"
                    + " /browsersocket-swarm-worker.js, and /swarm-config.js (the public key and services, for"
                    + " the pages). Counts the site bytes it sends: /swarm/origin-stats.json.",
            "With --demo, SITE_DIR gets the demo game (version --demo-version) and a manifest signed with a"
                    + " key made for it (--key, made if missing) unless it holds that version already."
        })
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SITE_DIR", description = "The site's directory.")
    private Path site;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8090", description = "Port (0: any free one). Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    private String bind;

    @Option(names = "--public-key", paramLabel = "KEY_OR_FILE",
            description = "The site's public key (base64url) or its .pub file, which pages pin. Default with --demo: the demo key's.")
    private String publicKey;

    @Option(names = "--discovery", paramLabel = "URL", defaultValue = "http://127.0.0.1:7060",
            description = "The discovery service pages advertise in. Default: ${DEFAULT-VALUE}.")
    private String discovery;

    @Option(names = "--runtime", paramLabel = "URL", defaultValue = "http://127.0.0.1:7040",
            description = "The BrowserSocket runtime the pages load browsersocket.js from. Default: ${DEFAULT-VALUE}.")
    private String runtime;

    @Option(names = "--poll-seconds", paramLabel = "N", defaultValue = "30",
            description = "How often pages look for a new manifest. Default: ${DEFAULT-VALUE}.")
    private int pollSeconds;

    @Option(names = "--demo", description = "Write the demo game into SITE_DIR and sign it (see above).")
    private boolean demo;

    @Option(names = "--demo-version", paramLabel = "N", defaultValue = "1", description = "The demo's version. Default: ${DEFAULT-VALUE}.")
    private int demoVersion;

    @Option(names = "--key", paramLabel = "FILE", description = "With --demo: the signing key (made if missing). Default: SITE_DIR.key.")
    private Path key;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (demo) {
            prepareDemo(out);
        } else if (publicKey == null) {
            throw new UserError(ExitCodes.BAD_USAGE, "--public-key is required (the key pages check the manifest with)");
        }
        Path manifest = site.resolve("swarm/manifest.json");
        if (!Files.isRegularFile(manifest)) {
            throw new UserError(ExitCodes.BAD_USAGE, "no " + manifest + ": run swarm-manifest build " + site + " first");
        }
        var parsed = ManifestCodec.parse(Files.readAllBytes(manifest));
        String key = SiteKey.publicKeyText(KeyFiles.readPublic(publicKey));
        String settings = "{\"publicKey\":\"" + key + "\",\"discovery\":\"" + json(discovery) + "\",\"runtime\":\""
                + json(runtime) + "\",\"pollSeconds\":" + pollSeconds + "}";
        OriginServer origin = OriginServer.start(bind, port, site, settings);
        long bytes = parsed.files().stream().mapToLong(f -> f.size()).sum();
        out.printf("origin of site %s, version %d (%d files, %.1f MiB): http://localhost:%d/%n", parsed.site(),
                parsed.version(), parsed.files().size(), bytes / 1048576.0, origin.port());
        out.flush();
        // Stopped by a signal: the JVM ends when its shutdown hooks do, so the hook closes and says so.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            origin.close();
            out.println("swarm origin stopped");
            out.flush();
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }

    private void prepareDemo(PrintWriter out) throws IOException, org.browsersocket.swarm.manifest.ManifestException {
        Path keyFile = key != null ? key : site.resolveSibling(site.getFileName() + ".key");
        if (!Files.exists(keyFile)) {
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            run("keygen", "--key", keyFile.toString());
        }
        Path manifest = site.resolve("swarm/manifest.json");
        if (!Files.exists(manifest) || ManifestCodec.parse(Files.readAllBytes(manifest)).version() != demoVersion) {
            GameSite.write(site, demoVersion);
            // The page itself stays out of the manifest: it is what loads the swarm.
            run("build", site.toString(), "--key", keyFile.toString(), "--site", "game", "--version",
                    String.valueOf(demoVersion), "--exclude", "index.html", "--force");
        }
        if (publicKey == null) {
            publicKey = keyFile + ".pub";
        }
    }

    private void run(String... args) {
        int status = SwarmManifestTool.commandLine().setOut(spec.commandLine().getOut()).setErr(spec.commandLine().getErr()).execute(args);
        if (status != ExitCodes.OK) {
            throw new UserError(status, "swarm-manifest " + args[0] + " failed (see above)");
        }
    }

    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
