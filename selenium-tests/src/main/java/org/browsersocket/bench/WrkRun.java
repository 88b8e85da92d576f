package org.browsersocket.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code wrk} (closed loop, keep-alive) against a URL: requests per second, latency
 * percentiles and any errors it reports, as {@code tools/bench-address.sh} measures the address
 * service.
 *
 * @param requestsPerSecond wrk's "Requests/sec"
 * @param p50               50th percentile latency as wrk prints it (e.g. "3.12ms")
 * @param p99               99th percentile latency as wrk prints it
 * @param errors            wrk's non-2xx and socket-error lines, empty when none
 */
record WrkRun(double requestsPerSecond, String p50, String p99, String errors) {
    private static final Path WRK = Path.of("/usr/bin/wrk");

    /** Runs wrk if it is installed (after a 2 s warm-up with 4 connections); empty when it is not. */
    static Optional<WrkRun> measure(String url, int connections, int seconds) throws IOException, InterruptedException {
        if (!Files.isExecutable(WRK)) {
            return Optional.empty();
        }
        run(List.of(WRK.toString(), "-t1", "-c4", "-d2s", url));
        String out = run(List.of(WRK.toString(), "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", url));
        List<String> errors = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains("Non-2xx") || line.contains("Socket errors")) {
                errors.add(line.trim());
            }
        }
        return Optional.of(new WrkRun(Double.parseDouble(field(out, "Requests/sec:\\s+([0-9.]+)")),
                field(out, "\\n\\s+50%\\s+(\\S+)"), field(out, "\\n\\s+99%\\s+(\\S+)"), String.join("; ", errors)));
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
