package org.browsersocket.experiments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.bench.DiscoveryBench;

/**
 * E6: discovery put/get throughput and latency, embedded store vs Redis, same load (wrk, 16
 * connections, once steady), same run, with the CPU time the service (and Redis) spent per
 * operation; rounds alternate which store goes first, and a figure is the median over rounds
 * (throughput with its 95% bootstrap interval); its headline rows go to {@link BenchSummary}.
 */
final class DiscoveryExperiment {
    static final String NAME = "e6_discovery";

    private DiscoveryExperiment() {}

    static void run(Lab lab) throws Exception {
        int rounds = lab.count(1, 3);
        Map<String, List<DiscoveryBench.Measurement>> byKey = new HashMap<>(); // store/op → one per round
        Csv raw = new Csv("round", "store", "op", "ops_per_s", "p50_ms", "p99_ms", "cpu_us_per_op");
        for (int round = 1; round <= rounds; round++) {
            // The stores alternate which goes first, so neither always meets a machine the other warmed.
            for (DiscoveryBench.Measurement m : DiscoveryBench.measure(16, lab.quick() ? 1 : 3,
                    Path.of("/usr/bin/redis-server"), round % 2 == 0)) {
                byKey.computeIfAbsent(m.store() + "/" + m.op(), k -> new ArrayList<>()).add(m);
                raw.row(round, m.store(), m.op(), m.opsPerSecond(), m.p50Millis(), m.p99Millis(), m.cpuMicrosPerOp());
            }
        }
        Csv csv = new Csv("op", "embedded_ops_per_s", "embedded_p50_ms", "embedded_p99_ms", "redis_ops_per_s",
                "redis_p50_ms", "redis_p99_ms", "ratio_ops", "embedded_cpu_us_per_op", "redis_cpu_us_per_op",
                "embedded_ci_low_ops_per_s", "embedded_ci_high_ops_per_s", "redis_ci_low_ops_per_s",
                "redis_ci_high_ops_per_s", "rounds");
        for (String op : new String[] {"put", "get"}) {
            Figures embedded = Figures.of(byKey.get("embedded/" + op));
            Figures redis = Figures.of(byKey.get("redis/" + op));
            BenchSummary.record("E6 discovery " + op + "s, embedded, 16 clients (/s)", BenchSummary.figure(embedded.ops().median()),
                    op.equals("put") ? "≥ 10000" : "", String.format(Locale.ROOT, "p99 %.2f ms, service %.0f µs CPU per op",
                            embedded.p99(), embedded.cpu()));
            BenchSummary.record("E6 discovery " + op + "s, redis, 16 clients (/s)", BenchSummary.figure(redis.ops().median()),
                    op.equals("put") ? "≥ 10000" : "", String.format(Locale.ROOT, "p99 %.2f ms, service and Redis %.0f µs CPU per op",
                            redis.p99(), redis.cpu()));
            csv.row(op, embedded.ops().median(), embedded.p50(), embedded.p99(), redis.ops().median(), redis.p50(), redis.p99(),
                    Percentiles.ratio(embedded.ops().median(), redis.ops().median()), embedded.cpu(), redis.cpu(),
                    embedded.ops().low(), embedded.ops().high(), redis.ops().low(), redis.ops().high(), rounds);
        }
        csv.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /** One store's figures for one operation: medians over rounds (throughput with its interval). */
    private record Figures(Bootstrap.Interval ops, double p50, double p99, double cpu) {
        static Figures of(List<DiscoveryBench.Measurement> rounds) {
            return new Figures(Bootstrap.medianInterval(rounds.stream().mapToDouble(DiscoveryBench.Measurement::opsPerSecond).toArray()),
                    median(rounds.stream().mapToDouble(DiscoveryBench.Measurement::p50Millis).toArray()),
                    median(rounds.stream().mapToDouble(DiscoveryBench.Measurement::p99Millis).toArray()),
                    median(rounds.stream().mapToDouble(DiscoveryBench.Measurement::cpuMicrosPerOp).toArray()));
        }

        private static double median(double[] values) {
            return Bootstrap.median(values);
        }
    }
}
