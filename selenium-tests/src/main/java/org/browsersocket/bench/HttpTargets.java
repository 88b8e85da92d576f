package org.browsersocket.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.browsersocket.experiments.NativeEchoProcess;
import org.browsersocket.experiments.PageHost;

/**
 * What the HTTP benchmark and experiment E8 load, all answering the same bytes and headers:
 * <ul>
 *   <li>{@link #NATIVE}: {@link NativeHttpServer} (Netty {@code HttpServerCodec}) in a process of its own;</li>
 *   <li>{@link #PAGE}: a page in headless Chromium ({@code demo/experiments/http.html}) whose
 *       {@code bs.onrequest} answers with a precomputed {@code Uint8Array}, at its runtime's public port;</li>
 *   <li>{@link #RELAY}: the same page at a relay's public port (a second runtime started with
 *       {@code --relay}, with which the page's runtime registers);</li>
 *   <li>{@link #COLD} and {@link #WARM}: a response the page marks {@code Cache-Control: public,
 *       max-age=60}, through the relay; cold asks for a different URL every time (a query string),
 *       so a relay that caches must still ask the page; warm asks for the same URL, which a relay
 *       that caches answers itself while it is fresh.</li>
 * </ul>
 * A native server behind the relay is not among them: the relay forwards only to the prefixes of
 * runtimes registered with it, which a plain HTTP server is not.
 */
public final class HttpTargets implements AutoCloseable {
    public static final String NATIVE = "native";
    public static final String PAGE = "page";
    public static final String RELAY = "relay";
    public static final String COLD = "cold";
    public static final String WARM = "warm";
    /** In the order they are measured, alternating, at each point. */
    public static final List<String> ALL = List.of(NATIVE, PAGE, RELAY, COLD, WARM);
    /** What each target is, in words. */
    public static final Map<String, String> DESCRIPTIONS = Map.of(
            NATIVE, "native Netty HTTP server",
            PAGE, "page-hosted, direct",
            RELAY, "page-hosted, through a relay",
            COLD, "relay cache cold (new URL each time)",
            WARM, "relay cache warm (one URL)");

    /** The flag by which a runtime tells it keeps a relay cache (and where). */
    static final String CACHE_DIR_FLAG = "--relay-cache-dir";

    private final PageHost host;
    private final NativeEchoProcess nativeServer;
    private final Path cacheDir;
    private final String prefix;
    private final int pagePort;
    private final String chromiumMarker;
    /** Makes the cold URLs of this run unlike any earlier run's (a relay's cache may outlive a run). */
    private final String run = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    /** Numbers the cold URLs of this run: no two requests of any point or probe ask for the same one. */
    private final AtomicLong coldRequests = new AtomicLong();

    /**
     * A target: where to connect, the request target of its n-th request, the processes that serve
     * it, and of those the browser's, the relay's and the browser's renderers' (empty where there are none).
     */
    public record Target(String name, int bodyBytes, String host, int port, LongFunction<String> path, List<Long> pids,
                         List<Long> browserPids, List<Long> relayPids, List<Long> rendererPids) {
    }

    private HttpTargets(PageHost host, NativeEchoProcess nativeServer, Path cacheDir, String prefix, int pagePort) {
        this.host = host;
        this.nativeServer = nativeServer;
        this.cacheDir = cacheDir;
        this.prefix = prefix;
        this.pagePort = pagePort;
        this.chromiumMarker = "--user-data-dir=" + host.chromium().profile();
    }

    /**
     * Starts the native server, the relay, the page's runtime, the demo site and Chromium, opens the
     * page with bodies of {@code sizes} bytes and waits until the page is routed through the relay.
     * When the runtime knows a relay cache, the relay keeps it in a temporary directory.
     */
    public static HttpTargets start(Path repoRoot, int... sizes) throws Exception {
        Path jar = repoRoot.resolve("host-runtime/target/host-runtime.jar");
        Path cacheDir = knowsRelayCache(jar) ? Files.createTempDirectory("browsersocket-relay-cache-") : null;
        NativeEchoProcess nativeServer = NativeEchoProcess.start(NativeHttpServer.class);
        PageHost host = null;
        try {
            host = PageHost.start(repoRoot, cacheDir == null ? List.of() : List.of(CACHE_DIR_FLAG, cacheDir.toString()));
            host.chromium().open(host.url("/experiments/http.html"));
            Map<String, Object> address = host.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                            + "serveBytes(arguments[0]).then(done, function (e) { done({error: String(e && e.message || e)}); });",
                    Arrays.stream(sizes).boxed().toList());
            if (address.containsKey("error")) {
                throw new IllegalStateException("the page could not listen: " + address.get("error"));
            }
            String prefix = (String) address.get("prefix");
            int port = ((Number) address.get("port")).intValue();
            host.throughRelay("ws://127.0.0.1:" + port + prefix, 1); // waits until the relay routes the page's prefix
            return new HttpTargets(host, nativeServer, cacheDir, prefix, port);
        } catch (Exception | Error e) {
            if (host != null) {
                host.close();
            }
            nativeServer.close();
            deleteTree(cacheDir);
            throw e;
        }
    }

    /** Whether the runtime jar has a relay cache (its help names {@link #CACHE_DIR_FLAG}). */
    static boolean knowsRelayCache(Path jar) throws IOException, InterruptedException {
        Process help = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--help").redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!help.waitFor(30, TimeUnit.SECONDS)) {
            help.destroyForcibly();
        }
        return text.contains(CACHE_DIR_FLAG);
    }

    /** Whether the relay was started with a cache (the runtime has one). */
    public boolean relayCacheConfigured() {
        return cacheDir != null;
    }

    public Target target(String name, int bodyBytes) {
        String bytes = "bytes/" + bodyBytes;
        String cached = "cached/" + bodyBytes;
        int relayPort = host.relay().publicPort();
        List<Long> browser = CpuTimes.processesWith(chromiumMarker);
        List<Long> renderers = CpuTimes.processesWith(chromiumMarker, "--type=renderer");
        List<Long> page = new ArrayList<>(List.of(host.runtime().pid()));
        page.addAll(browser);
        List<Long> relay = List.of(host.relay().pid());
        List<Long> relayed = new ArrayList<>(page);
        relayed.addAll(relay);
        String base = prefix; // "/<prefix>/"
        return switch (name) {
            case NATIVE -> new Target(name, bodyBytes, "127.0.0.1", nativeServer.port(), n -> "/" + bytes,
                    List.of(nativeServer.pid()), List.of(), List.of(), List.of());
            case PAGE -> new Target(name, bodyBytes, "127.0.0.1", pagePort, n -> base + bytes, page, browser, List.of(),
                    renderers);
            case RELAY -> new Target(name, bodyBytes, "127.0.0.1", relayPort, n -> base + bytes, relayed, browser, relay,
                    renderers);
            case COLD -> new Target(name, bodyBytes, "127.0.0.1", relayPort,
                    n -> base + cached + "?r=" + run + "." + coldRequests.getAndIncrement(), relayed, browser, relay, renderers);
            case WARM -> new Target(name, bodyBytes, "127.0.0.1", relayPort, n -> base + cached, relayed, browser, relay,
                    renderers);
            default -> throw new IllegalArgumentException("no target " + name + "; there are " + ALL);
        };
    }

    /**
     * Loads {@code target} with {@code connections} connections for a warm-up and a window; returns
     * what was counted, how many requests the page answered meanwhile, and the CPU used.
     */
    public HttpPoint measure(Target target, int connections, Duration warmup, Duration window, int threads)
            throws Exception {
        long pageBefore = pageRequests();
        long[] cpu = new long[8];
        List<Map<Long, Long>> renderer = new ArrayList<>(List.of(Map.of(), Map.of()));
        HttpLoad.Result result = HttpLoad.run(new HttpLoad.Config(target.host(), target.port(), target.path(), connections,
                target.bodyBytes(), warmup, window, threads), new HttpLoad.Window() {
                    @Override
                    public void opened() {
                        cpu[0] = CpuTimes.processTicks(target.pids());
                        cpu[1] = CpuTimes.processTicks(target.browserPids());
                        cpu[2] = CpuTimes.processTicks(target.relayPids());
                        renderer.set(0, CpuTimes.mainThreadTicks(target.rendererPids()));
                        cpu[3] = CpuTimes.machineBusyTicks();
                    }

                    @Override
                    public void closed() {
                        cpu[4] = CpuTimes.processTicks(target.pids());
                        cpu[5] = CpuTimes.processTicks(target.browserPids());
                        cpu[6] = CpuTimes.processTicks(target.relayPids());
                        renderer.set(1, CpuTimes.mainThreadTicks(target.rendererPids()));
                        cpu[7] = CpuTimes.machineBusyTicks();
                    }
                });
        long pageRequests = target.name().equals(NATIVE) ? 0 : pageRequests() - pageBefore;
        double s = result.seconds();
        return HttpPoint.of(target.name(), target.bodyBytes(), connections, result, pageRequests,
                CpuTimes.cores(cpu[4] - cpu[0], s), CpuTimes.cores(cpu[5] - cpu[1], s), CpuTimes.cores(cpu[6] - cpu[2], s),
                CpuTimes.cores(CpuTimes.busiest(renderer.get(0), renderer.get(1)), s), CpuTimes.cores(cpu[7] - cpu[3], s));
    }

    /**
     * Loads each of {@code targets} for {@code each}, unmeasured, with 8 connections and bodies of
     * {@code bodyBytes}, so the first measured point finds no process compiling its hot paths.
     */
    public void warmUp(List<String> targets, int bodyBytes, Duration each, int threads) throws Exception {
        for (String name : targets) {
            measure(target(name, bodyBytes), 8, Duration.ZERO, each, threads);
        }
    }

    /**
     * Why {@code target} cannot be measured: null when one request of it gets 200 with the
     * expected length, else what it got instead (e.g. a relay without plain HTTP answers 426).
     */
    public String unavailable(Target target) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String url = "http://" + target.host() + ":" + target.port() + target.path().apply(-1);
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                String body = new String(response.body(), StandardCharsets.UTF_8).strip();
                return "HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse(""));
            }
            if (response.body().length != target.bodyBytes()) {
                return response.body().length + " bytes instead of " + target.bodyBytes();
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Requests the page has answered so far. */
    public long pageRequests() {
        return ((Number) host.chromium().script("return served")).longValue();
    }

    /** Chromium's major version. */
    public String chromiumVersion() {
        Object version = ((org.openqa.selenium.HasCapabilities) host.chromium().driver()).getCapabilities().getBrowserVersion();
        return String.valueOf(version).replaceAll("\\..*", "");
    }

    @Override
    public void close() throws Exception {
        try {
            host.close();
        } finally {
            nativeServer.close();
            deleteTree(cacheDir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
