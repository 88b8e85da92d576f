package org.browsersocket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host runtime as its own process ({@code java -jar host-runtime.jar}), so a benchmark can
 * read its memory apart from the load generator's.
 */
public final class RuntimeProcess implements AutoCloseable {
    private static final Pattern CONTROL = Pattern.compile("control +http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PUBLIC = Pattern.compile("public +ws://0\\.0\\.0\\.0:(\\d+)/");

    /** A relay's per-registrant rate (KiB/s) far above what loopback carries: 1 TiB/s. */
    static final long UNLIMITED_KIB_PER_SECOND = 1L << 30;

    private final Process process;
    private final int controlPort;
    private final int publicPort;

    private Path configDir;

    private RuntimeProcess(Process process, int controlPort, int publicPort) {
        this.process = process;
        this.controlPort = controlPort;
        this.publicPort = publicPort;
    }

    public static RuntimeProcess start(Path jar, String allowedOrigin, String... jvmOptions) throws IOException {
        return start(jar, allowedOrigin, List.of(), jvmOptions);
    }

    /** Like {@link #start(Path, String, String...)}, with more flags for the runtime itself. */
    public static RuntimeProcess start(Path jar, String allowedOrigin, List<String> runtimeFlags, String... jvmOptions)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (make build)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        Path configDir = Files.createTempDirectory("browsersocket-runtime-config-");
        command.addAll(List.of("-jar", jar.toString(), "--control-port", "0", "--public-port", "0",
                "--allow-origin", allowedOrigin, "--config-dir", configDir.toString(),
                "--no-port-mapping")); // measurements never talk to the machine's real gateway
        if (!runtimeFlags.contains("--max-connections-per-address")) {
            // Load generators connect from one loopback address: the per-address cap is not what they measure.
            command.addAll(List.of("--max-connections-per-address", "1000000"));
        }
        command.addAll(runtimeFlags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int control = -1;
        int pub = -1;
        for (String line = out.readLine(); line != null && (control < 0 || pub < 0); line = out.readLine()) {
            Matcher c = CONTROL.matcher(line);
            Matcher p = PUBLIC.matcher(line);
            if (c.find()) {
                control = Integer.parseInt(c.group(1));
            } else if (p.find()) {
                pub = Integer.parseInt(p.group(1));
            }
        }
        if (control < 0 || pub < 0) {
            process.destroyForcibly();
            throw new IOException("host runtime did not report its ports");
        }
        Thread drain = new Thread(() -> drain(out), "runtime-output");
        drain.setDaemon(true);
        drain.start();
        RuntimeProcess started = new RuntimeProcess(process, control, pub);
        started.configDir = configDir;
        return started;
    }

    /**
     * A runtime serving as a relay ({@code --relay}) for runtimes started with {@link #viaRelayFlags()}.
     * Its per-registrant rate limit is raised out of the way: a measurement through it prices the
     * relayed path, not the relay's policy for sharing its bandwidth.
     */
    public static RuntimeProcess startRelay(Path jar, String allowedOrigin) throws IOException {
        // WebSocket peers only: no HTTP cache, so nothing is written to the user's state directory.
        return startRelay(jar, allowedOrigin, List.of("--no-relay-cache"));
    }

    /** Like {@link #startRelay(Path, String)}, with more flags for the relay. */
    public static RuntimeProcess startRelay(Path jar, String allowedOrigin, List<String> moreFlags) throws IOException {
        List<String> flags = new ArrayList<>(List.of("--relay", "--relay-kib-per-second", String.valueOf(UNLIMITED_KIB_PER_SECOND)));
        flags.addAll(moreFlags);
        return start(jar, allowedOrigin, flags);
    }

    /** Flags for a runtime that registers with this one, a relay. */
    public List<String> viaRelayFlags() {
        return List.of("--via-relay", relayUrl());
    }

    /** This runtime's public port as a relay URL for {@code --via-relay}. */
    public String relayUrl() {
        return "ws://127.0.0.1:" + publicPort;
    }

    /**
     * The address through this relay of a page's direct address: the same path (the listener's
     * prefix and resource) on the relay's public port.
     */
    public String throughRelay(String directUrl) {
        URI direct = URI.create(directUrl);
        return relayUrl() + direct.getRawPath() + (direct.getRawQuery() == null ? "" : "?" + direct.getRawQuery());
    }

    /**
     * Waits until this runtime's {@code /status.json} shows every relay it registers with in state
     * {@code registered} with at least {@code routes} routes (a page's listeners routed through it).
     */
    public void awaitRelayRoutes(int routes, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            try {
                JsonNode relays = json.readTree(http.send(HttpRequest.newBuilder(URI.create(controlUrl() + "/status.json"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .path("reachability").path("relays");
                last = relays.toString();
                boolean routed = relays.size() > 0;
                for (JsonNode relay : relays) {
                    routed &= "registered".equals(relay.path("state").asText()) && relay.path("routes").asInt() >= routes;
                }
                if (routed) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the runtime's relays did not route " + routes + " listener(s) within " + timeout
                        + ": " + last);
            }
            if (!process.isAlive()) {
                throw new IOException("the runtime stopped while waiting for its relay routes");
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of the condition above
        }
    }

    /** Reads the runtime's log so its pipe never fills; the log itself is not needed here. */
    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException closed) {
            // the process ended
        }
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + controlPort;
    }

    public int publicPort() {
        return publicPort;
    }

    /** The runtime's process id (to read its CPU time or memory from /proc). */
    public long pid() {
        return process.pid();
    }

    /** Resident set size of the runtime process, from /proc. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the runtime stops cleanly
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(configDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
