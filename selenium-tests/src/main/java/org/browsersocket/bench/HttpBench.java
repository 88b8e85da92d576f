package org.browsersocket.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make bench}, HTTP: requests/s and latency of a page answering plain HTTP requests
 * ({@code bs.onrequest} in headless Chromium behind a host-runtime process), directly and through
 * a relay, next to a native Netty HTTP server answering the same bytes; through the relay also a
 * cacheable response, cold (a new URL each time) and warm (one URL). At each body size and number
 * of connections the targets are measured one after another, so every ratio is of the same run.
 */
@Command(name = "http-bench", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "HTTP GET requests/s and latency: page-hosted (direct, through a relay, relay cache cold and warm)"
                + " vs a native Netty HTTP server.")
public final class HttpBench implements Callable<Integer> {
    /** Unmeasured load on the native server before the client check, so neither JVM is measured cold. */
    static final Duration CHECK_WARMUP = Duration.ofSeconds(3);

    @Option(names = "--sizes", split = ",", description = "Body sizes in bytes. Default: ${DEFAULT-VALUE}.")
    List<Integer> sizes = List.of(1024, 65536);

    @Option(names = "--connections", split = ",", description = "Concurrent keep-alive connections, closed loop. Default: ${DEFAULT-VALUE}.")
    List<Integer> connections = List.of(1, 8, 32);

    @Option(names = "--targets", split = ",", description = "Targets: native, page, relay, cold, warm. Default: all.")
    List<String> targets = new ArrayList<>(HttpTargets.ALL);

    @Option(names = "--seconds", description = "Measured seconds per point and target. Default: ${DEFAULT-VALUE}.")
    double seconds = 5;

    @Option(names = "--warmup", description = "Unmeasured seconds before each measurement. Default: ${DEFAULT-VALUE}.")
    double warmup = 1;

    @Option(names = "--client-threads", description = "The load generator's event loops. Default: ${DEFAULT-VALUE}.")
    int clientThreads = 1;

    @Option(names = "--skip-client-check", description = "Do not first load the native server with this client and with the"
            + " JDK's HttpClient (which shows whether a client bounds the native figures).")
    boolean skipClientCheck;

    @Option(names = "--repo", description = "Repository root (for the runtime jar). Default: ${DEFAULT-VALUE}.")
    Path repo = Path.of(".");

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new HttpBench())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String target : targets) {
            if (!HttpTargets.ALL.contains(target)) {
                System.err.println("http-bench: no target '" + target + "'; choose from " + HttpTargets.ALL);
                return 2;
            }
        }
        if (seconds <= 0 || seconds > 60 || warmup < 0 || warmup > 60 || sizes.stream().anyMatch(s -> s < 1 || s > NativeHttpServer.MAX_BODY_BYTES)
                || connections.stream().anyMatch(c -> c < 1 || c > 256) || clientThreads < 1 || clientThreads > 8) {
            System.err.println("http-bench: --seconds and --warmup 0-60, --sizes 1-" + NativeHttpServer.MAX_BODY_BYTES
                    + ", --connections 1-256, --client-threads 1-8");
            return 2;
        }
        Duration window = Duration.ofMillis(Math.round(seconds * 1000));
        Duration warm = Duration.ofMillis(Math.round(warmup * 1000));
        int cores = Runtime.getRuntime().availableProcessors();
        List<HttpPoint> points = new ArrayList<>();
        Map<String, String> unavailable = new LinkedHashMap<>(); // target → why it could not be measured
        try (HttpTargets stack = HttpTargets.start(repo.toAbsolutePath().normalize(),
                sizes.stream().mapToInt(Integer::intValue).toArray())) {
            System.out.printf(Locale.ROOT, "HTTP/1.1 GET, keep-alive, closed loop: %.1f s per target and point after %.1f s of"
                            + " warm-up, targets one after another at each point%n", seconds, warmup);
            System.out.printf(Locale.ROOT, "client: Netty, %d event loop%s, in this JVM; native: Netty HttpServerCodec in a"
                            + " process of its own; page: Chromium %s; relay cache %s; %d cores%n", clientThreads,
                    clientThreads == 1 ? "" : "s", stack.chromiumVersion(),
                    stack.relayCacheConfigured() ? "in a temporary directory" : "unknown to this runtime", cores);
            if (!skipClientCheck && targets.contains(HttpTargets.NATIVE)) {
                int c = connections.stream().mapToInt(Integer::intValue).max().orElse(1);
                HttpTargets.Target nativeTarget = stack.target(HttpTargets.NATIVE, sizes.get(0));
                stack.measure(nativeTarget, c, Duration.ZERO, CHECK_WARMUP, clientThreads); // both JVMs compile their hot paths
                HttpPoint netty = stack.measure(nativeTarget, c, warm, window, clientThreads);
                JdkClientCheck.Result jdk = JdkClientCheck.run("http://" + nativeTarget.host() + ":" + nativeTarget.port()
                        + nativeTarget.path().apply(0), c, warm, window);
                System.out.print(HttpTable.clientCheck(netty, jdk.requestsPerSecond(), jdk.processCores(), clientThreads));
            }
            for (int size : sizes) {
                for (String target : targets) {
                    String why = unavailable.containsKey(target) ? null : stack.unavailable(stack.target(target, size));
                    if (why != null) {
                        unavailable.put(target, why);
                        System.out.println("not measured: " + HttpTargets.DESCRIPTIONS.get(target) + ": " + why);
                    }
                }
            }
            List<String> measured = new ArrayList<>(targets);
            measured.removeAll(unavailable.keySet());
            stack.warmUp(measured, sizes.get(0), CHECK_WARMUP, clientThreads);
            for (int size : sizes) {
                for (int c : connections) {
                    for (String target : measured) {
                        HttpPoint p = stack.measure(stack.target(target, size), c, warm, window, clientThreads);
                        points.add(p);
                        System.out.println(HttpTable.row(p, null)); // progress; the table follows
                    }
                }
            }
        }
        System.out.println();
        System.out.print(HttpTable.format(points, unavailable, cores, clientThreads));
        System.out.println(HttpTable.LEGEND);
        return 0;
    }
}
