package org.browsersocket.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A service's URL under wrk for the shell benchmarks ({@code tools/bench-address.sh},
 * {@code tools/bench-discovery.sh}): warm-up until steady, the measured run, a small table, and
 * the headline row in {@link BenchSummary}.
 */
@Command(name = "wrk-load", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Loads URL with wrk (2 threads, keep-alive) once its rate is steady, and prints requests/s, p50 and p99.")
public final class WrkLoad implements Callable<Integer> {
    @Parameters(paramLabel = "URL", description = "What to load.")
    String url;

    @Option(names = "--connections", description = "Connections wrk holds. Default: ${DEFAULT-VALUE}.")
    int connections = 64;

    @Option(names = "--seconds", description = "Length of the measured run. Default: ${DEFAULT-VALUE}.")
    int seconds = 10;

    @Option(names = "--title", description = "First line of the table. Default: ${DEFAULT-VALUE}.")
    String title = "wrk";

    @Option(names = "--label", description = "Row label of the table. Default: ${DEFAULT-VALUE}.")
    String label = "service";

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "The serving process, whose CPU time per request is reported; repeatable. Default: none.")
    List<Long> serverPids = new ArrayList<>();

    @Option(names = "--measure", description = "The measure's name in make bench's table (none: not recorded).")
    String measure;

    @Option(names = "--goal", description = "The goal shown beside it. Default: none.")
    String goal = "";

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new WrkLoad())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Optional<WrkRun> measured = WrkRun.measure(new WrkRun.Load(url, connections, seconds).servedBy(serverPids));
        if (measured.isEmpty()) {
            System.err.println("wrk is not installed at " + WrkRun.WRK + " (tools/install-deps.sh bench installs it)");
            return 1;
        }
        WrkRun run = measured.get();
        System.out.printf(Locale.ROOT, "%s, wrk 2 threads x %d connections, %d s (%s; %s)%n", title, connections, seconds,
                run.cpuSummary(), run.warmUpSummary());
        System.out.printf(Locale.ROOT, "%-20s %12s %10s %10s%n", "", "requests/s", "p50", "p99");
        System.out.printf(Locale.ROOT, "%-20s %12.0f %10s %10s%n", label, run.requestsPerSecond(), run.p50(), run.p99());
        if (!run.errors().isEmpty()) {
            System.out.println(run.errors());
        }
        if (measure != null) {
            BenchSummary.record(measure + ", wrk " + connections + " connections (/s)",
                    BenchSummary.figure(run.requestsPerSecond()), goal,
                    "p50 " + run.p50() + ", p99 " + run.p99() + "; " + run.cpuSummary()
                            + (run.errors().isEmpty() ? "" : "; " + run.errors()));
        }
        return 0;
    }
}
