package org.browsersocket.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.experiments.addressing.AddressingExperiment;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.OneLineUsageErrors;
import org.browsersocket.cli.ReleaseVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make experiments}: drives real browsers through the evaluation and writes one CSV (plus
 * an environment JSON) per experiment under {@code paper/results/}, from which the paper is built.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true,
        description = "Runs the BrowserSocket evaluation (E1-E9) and writes paper/results/*.csv.")
public final class Experiments implements Callable<Integer> {
    /** Experiment names as {@code --only} takes them, in run order. */
    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("latency", LatencyExperiment.NAME);
        NAMES.put("throughput", ThroughputExperiment.NAME);
        NAMES.put("scale", ScaleExperiment.NAME);
        NAMES.put("setup", SetupExperiment.NAME);
        NAMES.put("browser", BrowserToBrowserExperiment.NAME);
        NAMES.put("discovery", DiscoveryExperiment.NAME);
        NAMES.put("addressing", "e7_addressing");
        NAMES.put("http", HttpExperiment.NAME);
        NAMES.put("swarm", SwarmExperiment.NAME);
        NAMES.put("offered", OfferedLoadExperiment.NAME);
    }

    @Option(names = "--only", split = ",", description = "Experiments to run: ${COMPLETION-CANDIDATES}. Default: all.")
    List<String> only = new ArrayList<>();

    @Option(names = "--quick", description = "Short runs (a few minutes in all), for checking the harness.")
    boolean quick;

    @Option(names = "--repo", description = "Repository root. Default: ${DEFAULT-VALUE}.")
    Path repo = Path.of(".");

    @Option(names = "--results", description = "Where the CSV files go. Default: paper/results under the repository root.")
    Path results;

    public static void main(String[] args) {
        System.exit(HelpLayout.applyTo(OneLineUsageErrors.commandLine(new Experiments())).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String name : only) {
            if (!NAMES.containsKey(name)) {
                System.err.println("experiments: unknown experiment '" + name + "'; choose from " + NAMES.keySet());
                return 2;
            }
        }
        Path root = repo.toAbsolutePath().normalize();
        Lab lab = new Lab(root, results != null ? results.toAbsolutePath().normalize() : root.resolve("paper/results"), quick);
        Files.createDirectories(lab.results());
        // The experiments record their headline figures as make bench's steps do; the table ends the run.
        Path summary = Files.createTempFile("browsersocket-experiments-summary-", ".tsv");
        if (System.getenv(BenchSummary.FILE_VARIABLE) == null) {
            System.setProperty(BenchSummary.FILE_PROPERTY, summary.toString());
        }
        try {
            return runAll(lab, root);
        } finally {
            if (Files.size(summary) > 0) {
                System.out.println();
                BenchSummary.print(summary);
            }
            Files.deleteIfExists(summary);
        }
    }

    private int runAll(Lab lab, Path root) throws Exception {
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, String> experiment : NAMES.entrySet()) {
            if (!only.isEmpty() && !only.contains(experiment.getKey())) {
                continue;
            }
            long start = System.nanoTime();
            System.out.printf("== %s (%s)%n", experiment.getValue(), experiment.getKey());
            try {
                run(experiment.getKey(), lab);
                Environment.write(lab.env(experiment.getValue()), experiment.getValue(), quick);
                System.out.printf("   wrote %s in %.0f s%n", root.relativize(lab.csv(experiment.getValue())),
                        (System.nanoTime() - start) / 1e9);
            } catch (Exception e) {
                failed.add(experiment.getKey());
                System.out.println("   FAILED: " + e);
                e.printStackTrace(System.out);
            }
        }
        if (!failed.isEmpty()) {
            System.out.println("experiments that failed: " + failed);
            return 1;
        }
        return 0;
    }

    private static void run(String name, Lab lab) throws Exception {
        switch (name) {
            case "latency" -> LatencyExperiment.run(lab);
            case "throughput" -> ThroughputExperiment.run(lab);
            case "scale" -> ScaleExperiment.run(lab);
            case "setup" -> SetupExperiment.run(lab);
            case "browser" -> BrowserToBrowserExperiment.run(lab);
            case "discovery" -> DiscoveryExperiment.run(lab);
            case "http" -> HttpExperiment.run(lab);
            case "swarm" -> SwarmExperiment.run(lab);
            case "offered" -> OfferedLoadExperiment.run(lab);
            case "addressing" -> {
                // Two tables from one run: the reachability table and the relay's cost beside the direct path.
                AddressingExperiment.Result result = AddressingExperiment.run(lab.quick(), lab.repoRoot());
                Csv csv = new Csv(AddressingExperiment.CSV_HEADER.split(","));
                for (AddressingExperiment.Row row : result.rows()) {
                    csv.row(row.topology(), row.kind(), row.attempts(), row.successes(), row.discoveryMs(),
                            row.connectMs(), row.winner(), row.detail());
                }
                Csv cost = new Csv(AddressingExperiment.COST_HEADER.split(","));
                for (AddressingExperiment.Cost c : result.costs()) {
                    cost.row(c.topology(), c.metric(), c.attempted(), c.directSamples(), c.relaySamples(), c.direct(),
                            c.relay(), c.ratio());
                }
                csv.write(lab.csv("e7_addressing"));
                cost.write(lab.csv("e7_relay_cost"));
                Environment.write(lab.env("e7_relay_cost"), "e7_relay_cost", lab.quick());
            }
            default -> throw new IllegalArgumentException(name);
        }
    }
}
