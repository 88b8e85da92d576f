package org.browsersocket.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One measured run of {@code wrk} (closed loop, keep-alive) against a URL, after the server has
 * warmed up: requests per second, latency percentiles and any errors wrk reports.
 *
 * <p>A JVM service compiles its request path for tens of seconds under load (on two cores a
 * service went from 11,000 to 40,000 requests/s over its first 20 s), so a fixed short warm-up
 * measures the compiler, not the service. The warm-up therefore repeats short runs with the
 * measured load until the rate stops rising ({@link #steady}), and the rates it saw are kept
 * beside the result.
 *
 * @param requests          responses wrk counted in the measured run
 * @param requestsPerSecond wrk's "Requests/sec" of the measured run
 * @param p50               50th percentile latency as wrk prints it (e.g. "3.12ms")
 * @param p99               99th percentile latency as wrk prints it
 * @param errors            wrk's non-2xx and socket-error lines and a script's {@value #REJECTED} line, empty when none
 * @param warmUp            requests/s of each warm-up run, in order
 * @param serverCores       cores the serving processes kept busy in the measured run (NaN: not measured)
 * @param machineCores      cores busy on the whole machine in the measured run, wrk included
 */
record WrkRun(long requests, double requestsPerSecond, String p50, String p99, String errors, List<Double> warmUp,
              double serverCores, double machineCores) {
    static final Path WRK = Path.of("/usr/bin/wrk");
    /** How a script's done() reports 2xx answers that refused the request (e.g. a put "over capacity"). */
    static final String REJECTED = "Rejected answers:";
    /** A warm-up run "rose" when its rate exceeds the run before by this fraction or more ({@link #steady}). */
    static final double STEADY = 0.05;
    /** Length of one warm-up run. */
    static final int WARM_UP_RUN_SECONDS = 3;
    /** Fewest warm-up runs: on two busy cores the compiler takes 15 s or more, with flat stretches. */
    static final int MIN_WARM_UP_RUNS = 6;
    /** Most warm-up runs; a rate still rising after them is measured as it is (and says so). */
    static final int MAX_WARM_UP_RUNS = 15;

    /**
     * What to load: a URL, the connections, optionally a wrk Lua script that makes the requests, and
     * the processes that serve them (whose CPU time is measured; none: not measured).
     */
    record Load(String url, int connections, int seconds, Optional<Path> script, List<Long> serverPids) {
        Load(String url, int connections, int seconds) {
            this(url, connections, seconds, Optional.empty(), List.of());
        }

        Load(String url, int connections, int seconds, Optional<Path> script) {
            this(url, connections, seconds, script, List.of());
        }

        /** The same load, its CPU time counted in these processes. */
        Load servedBy(List<Long> pids) {
            return new Load(url, connections, seconds, script, List.copyOf(pids));
        }

        List<String> command(int runSeconds, boolean latency) {
            List<String> command = new ArrayList<>(List.of(WRK.toString(), "-t2", "-c" + connections, "-d" + runSeconds + "s"));
            if (latency) {
                command.add("--latency");
            }
            script.ifPresent(s -> command.addAll(List.of("-s", s.toString())));
            command.add(url);
            return command;
        }
    }

    /** True when wrk is installed where the benchmarks look for it. */
    static boolean available() {
        return Files.isExecutable(WRK);
    }

    /** Warms up until steady, then measures; empty when wrk is not installed. */
    static Optional<WrkRun> measure(Load load) throws IOException, InterruptedException {
        if (!available()) {
            return Optional.empty();
        }
        List<Double> warmUp = new ArrayList<>();
        while (warmUp.size() < MAX_WARM_UP_RUNS && !steady(warmUp)) {
            warmUp.add(requestsPerSecond(run(load, load.command(WARM_UP_RUN_SECONDS, false))));
        }
        return Optional.of(once(load, warmUp));
    }

    /** One measured run of {@code load}, with no warm-up of its own ({@code warmUp}: the rates of the one done). */
    static WrkRun once(Load load, List<Double> warmUp) throws IOException, InterruptedException {
        awaitClosed(URI.create(load.url()).getPort());
        long serverBefore = CpuTimes.processTicks(load.serverPids());
        long machineBefore = CpuTimes.machineBusyTicks();
        String out = run(load.command(load.seconds(), true));
        double seconds = load.seconds() * CpuTimes.TICKS_PER_SECOND;
        double serverCores = load.serverPids().isEmpty() ? Double.NaN
                : (CpuTimes.processTicks(load.serverPids()) - serverBefore) / seconds;
        double machineCores = (CpuTimes.machineBusyTicks() - machineBefore) / seconds;
        List<String> errors = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("Non-2xx") || line.contains("Socket errors") || line.startsWith(REJECTED)) {
                errors.add(line.trim());
            }
        }
        return new WrkRun(Long.parseLong(field(out, "(\\d+) requests in")), requestsPerSecond(out), field(out, "\\n\\s+50%\\s+(\\S+)"),
                field(out, "\\n\\s+99%\\s+(\\S+)"), String.join("; ", errors), List.copyOf(warmUp),
                serverCores, machineCores);
    }

    /**
     * At least {@link #MIN_WARM_UP_RUNS} runs, and the last two each rose less than {@link #STEADY}
     * over the run before them: one flat run alone is often a pause between two stages of
     * compilation.
     */
    static boolean steady(List<Double> rates) {
        int n = rates.size();
        return n >= MIN_WARM_UP_RUNS && rates.get(n - 1) < rates.get(n - 2) * (1 + STEADY)
                && rates.get(n - 2) < rates.get(n - 3) * (1 + STEADY);
    }

    /** The warm-up as it went, e.g. "warm-up 6 x 3 s: 10871, 26776, 35065, 40191, 40578, 39164/s". */
    String warmUpSummary() {
        String rates = warmUp.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).collect(Collectors.joining(", "));
        return "warm-up " + warmUp.size() + " x " + WARM_UP_RUN_SECONDS + " s: " + rates + "/s"
                + (steady(warmUp) ? "" : " (still rising after " + MAX_WARM_UP_RUNS + " runs)");
    }

    /** CPU time the serving processes spent per request, in microseconds (NaN: not measured). */
    double serverCpuMicrosPerRequest() {
        return serverCores / requestsPerSecond * 1e6;
    }

    /**
     * Where the machine's cores went, e.g. "server 1.31 cores, 33 µs CPU per request; machine 1.98
     * cores busy": with the load generator on the same cores, the server's CPU per request says
     * what it would serve with the cores to itself.
     */
    String cpuSummary() {
        String machine = String.format(Locale.ROOT, "machine %.2f cores busy", machineCores);
        return Double.isNaN(serverCores) ? machine : String.format(Locale.ROOT, "server %.2f cores, %.0f µs CPU per request; %s",
                serverCores, serverCpuMicrosPerRequest(), machine);
    }

    double p50Millis() {
        return millis(p50);
    }

    double p99Millis() {
        return millis(p99);
    }

    /** A latency as wrk prints it ("812.00us", "3.12ms", "1.02s", "2.00m") in milliseconds. */
    static double millis(String latency) {
        Matcher m = Pattern.compile("([0-9.]+)(us|ms|s|m)").matcher(latency);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a wrk latency: " + latency);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            default -> value * 60_000;
        };
    }

    /**
     * One of the wrk Lua scripts in this jar ({@code /wrk/NAME}) as a file wrk can read; deleted
     * when the JVM exits.
     */
    static Path script(String name) throws IOException {
        Path file = Files.createTempFile("wrk-", "-" + name);
        file.toFile().deleteOnExit();
        try (InputStream in = WrkRun.class.getResourceAsStream("/wrk/" + name)) {
            if (in == null) {
                throw new IOException("no wrk script " + name + " in the bench jar");
            }
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    static double requestsPerSecond(String out) throws IOException {
        return Double.parseDouble(field(out, "Requests/sec:\\s+([0-9.]+)"));
    }

    /**
     * Runs wrk once the server has closed the connections of the run before: a service that caps
     * connections per client would otherwise refuse some of the next run's as over its cap.
     */
    private static String run(Load load, List<String> command) throws IOException, InterruptedException {
        awaitClosed(URI.create(load.url()).getPort());
        return run(command);
    }

    /** Waits (5 s at most) until no established or closing TCP connection has {@code port} as its local port. */
    private static void awaitClosed(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Process ss = new ProcessBuilder("ss", "-Htn", "state", "established", "state", "close-wait",
                    "sport", "=", ":" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ss.waitFor() != 0 || out.isBlank()) {
                return; // no ss here, or nothing left open
            }
            Thread.sleep(50); // polls: nothing tells this process when the server closes its side of a socket
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(60, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            wrk.destroyForcibly();
            throw new IOException("wrk failed: " + out);
        }
        return out;
    }

    private static String field(String out, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IOException("wrk printed no " + regex + ": " + out);
        }
        return m.group(1);
    }
}
