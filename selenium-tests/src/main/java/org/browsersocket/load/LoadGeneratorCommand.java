package org.browsersocket.load;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.browsersocket.cli.ReleaseVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The command line of {@link LoadGenerator}. */
@Command(name = "load-generator", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ReleaseVersion.class, usageHelpAutoWidth = true,
        description = {
                "Echo load against a WebSocket echo server: throughput, latency percentiles and connect statistics.",
                "Closed loop (--rate 0): every connection keeps one message in flight. Open loop (--rate R): R messages "
                        + "per second in total, latency measured from each message's intended send time.",
                "With --idle N, first opens N idle connections (reporting handshake statistics) and keeps them open "
                        + "during the load; --duration 0 then skips the load."})
final class LoadGeneratorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--url"}, required = true, paramLabel = "URL",
            description = "ws:// or wss:// URL of the echo server.")
    URI url;

    @Option(names = {"-c", "--connections"}, defaultValue = "10", paramLabel = "N", description = "Concurrent connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = {"-s", "--size"}, defaultValue = "64", paramLabel = "BYTES",
            description = "Payload bytes per message (at least 16). Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--binary", description = "Binary frames (the default).")
    boolean binary;

    @Option(names = "--text", description = "Text frames with an ASCII payload.")
    boolean text;

    @Option(names = {"-r", "--rate"}, defaultValue = "0", paramLabel = "MSG/S",
            description = "Total messages per second over all connections; 0 = closed loop. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Unrecorded load first (e.g. 500ms, 2s, 1m, PT2S). Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "TIME",
            description = "Recorded load. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--idle", defaultValue = "0", paramLabel = "N",
            description = "Idle connections to open first and hold during the load. Default: ${DEFAULT-VALUE}.")
    int idle;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (binary && text) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--binary and --text exclude each other");
        }
        IdleFleet fleet = null;
        try {
            if (idle > 0) {
                fleet = LoadGenerator.openIdle(url, idle);
                out.printf(Locale.ROOT, "idle        %d of %d open, %d failed in %.2f s (%.0f connects/s); handshake %s%n",
                        fleet.openCount(), idle, fleet.failures(), fleet.connectSeconds(), fleet.connectsPerSecond(),
                        LoadGenerator.percentiles(fleet.connectMicros()));
                if (fleet.firstFailure() != null) {
                    out.println("            first failure: " + LoadGenerator.describe(fleet.firstFailure()));
                }
                out.flush();
            }
            if (duration.isZero()) {
                return 0;
            }
            LoadGenerator.Config config = new LoadGenerator.Config(url, connections, size, !text, rate, warmup, duration);
            out.printf(Locale.ROOT, "load        %s, %d connections, %d-byte %s messages, %s, warm-up %s, %s recorded%n",
                    url, connections, size, text ? "text" : "binary",
                    rate == 0 ? "closed loop" : String.format(Locale.ROOT, "open loop at %.1f msg/s", rate),
                    DurationConverter.format(warmup), DurationConverter.format(duration));
            out.flush();
            try {
                out.print(LoadGenerator.run(config).summary());
            } catch (SaturationException e) {
                out.print(e.partialResult().summary());
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            return 0;
        } finally {
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    /** Durations as 250ms, 2s, 1.5m, 1h, a plain number of seconds, or ISO-8601 (PT2S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            Matcher m = SIMPLE.matcher(v);
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (try 500ms, 2s, 1m)");
            }
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double nanosPerUnit = switch (unit) {
                case "ms" -> 1e6;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 1e9;
            };
            return Duration.ofNanos(Math.round(amount * nanosPerUnit));
        }

        static String format(Duration d) {
            long millis = d.toMillis();
            return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }
    }
}
