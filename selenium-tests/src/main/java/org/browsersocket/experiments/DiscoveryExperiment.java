package org.browsersocket.experiments;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.bench.DiscoveryBench;

/**
 * E6: discovery put/get throughput and latency, embedded store vs Redis, same load (wrk, 16
 * connections, once steady), same run, with the CPU time the service (and Redis) spent per
 * operation; its headline rows go to {@link BenchSummary}.
 */
final class DiscoveryExperiment {
    static final String NAME = "e6_discovery";

    private DiscoveryExperiment() {}

    static void run(Lab lab) throws Exception {
        List<DiscoveryBench.Measurement> all = DiscoveryBench.measure(16, lab.quick() ? 1 : 5, Path.of("/usr/bin/redis-server"));
        Csv csv = new Csv("op", "embedded_ops_per_s", "embedded_p50_ms", "embedded_p99_ms", "redis_ops_per_s",
                "redis_p50_ms", "redis_p99_ms", "ratio_ops", "embedded_cpu_us_per_op", "redis_cpu_us_per_op");
        for (String op : new String[] {"put", "get"}) {
            DiscoveryBench.Measurement embedded = find(all, "embedded", op);
            DiscoveryBench.Measurement redis = find(all, "redis", op);
            BenchSummary.record("E6 discovery " + op + "s, embedded, 16 clients (/s)", BenchSummary.figure(embedded.opsPerSecond()),
                    op.equals("put") ? "≥ 10000" : "", String.format(Locale.ROOT, "p99 %.2f ms, service %.0f µs CPU per op",
                            embedded.p99Millis(), embedded.cpuMicrosPerOp()));
            BenchSummary.record("E6 discovery " + op + "s, redis, 16 clients (/s)", BenchSummary.figure(redis.opsPerSecond()),
                    op.equals("put") ? "≥ 10000" : "", String.format(Locale.ROOT, "p99 %.2f ms, service and Redis %.0f µs CPU per op",
                            redis.p99Millis(), redis.cpuMicrosPerOp()));
            csv.row(op, embedded.opsPerSecond(), embedded.p50Millis(), embedded.p99Millis(), redis.opsPerSecond(),
                    redis.p50Millis(), redis.p99Millis(), Percentiles.ratio(embedded.opsPerSecond(), redis.opsPerSecond()),
                    embedded.cpuMicrosPerOp(), redis.cpuMicrosPerOp());
        }
        csv.write(lab.csv(NAME));
    }

    private static DiscoveryBench.Measurement find(List<DiscoveryBench.Measurement> all, String store, String op) {
        return all.stream().filter(m -> m.store().equals(store) && m.op().equals(op)).findFirst().orElseThrow();
    }
}
