package org.browsersocket.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.browsersocket.bench.BenchSummary;
import org.browsersocket.browser.SwarmStack;
import org.browsersocket.browser.SwarmVisitor;
import org.browsersocket.browser.SwarmVisitor.SwarmStats;

/**
 * E8b: the demo game served by its visitors. After a warm-up (visitors of a stack of their own, not
 * measured), N visitors (each a Chromium of its own) arrive one after another and stay (phase
 * "arrival"); before each, a visitor that loads from the origin only (swarm off) arrives and leaves
 * (phase "baseline"), so the two load times come from the same moment of the run. Then the transport
 * alone (phase "transport"): one page fetches every piece of the files at once with plain fetch(),
 * over the open pages and from the origin in turn, nothing verified or kept, which is what the
 * swarm's loads are made of before its own work. Then the origin publishes version 2 and the time
 * until every open page runs it is measured, with the bytes it cost the origin. Last, a liar (a page
 * serving every file of version 2 with wrong bytes) joins, and three more visitors arrive: how many
 * altered assets they accepted (read back from their verified stores and compared with the origin's
 * files), how often they refused the liar, and their load times beside the arrivals before it.
 */
final class SwarmExperiment {
    static final String NAME = "e8_swarm";
    /** Visitors that arrive after the liar joined. */
    static final int LATE_VISITORS = 3;
    /** Rounds of the transport-alone comparison (peers and origin in turn, the order turned each round). */
    static final int TRANSPORT_ROUNDS = 3;
    static final String HEADER = "phase,visitor,mode,load_ms,origin_bytes,peer_bytes,offload,origin_server_bytes,altered_accepted,rejected,peer_failures,machine_cpu_ms";

    private SwarmExperiment() {}

    static void run(Lab lab) throws Exception {
        int visitors = lab.count(6, 10);
        warmUp(lab.count(3, 6));
        Csv csv = new Csv(HEADER.split(","));
        List<SwarmVisitor> open = new ArrayList<>();
        try (SwarmStack stack = SwarmStack.start()) {
            List<Double> swarmMs = new ArrayList<>();
            List<Double> originMs = new ArrayList<>();
            List<Double> offloadAfterThree = new ArrayList<>();
            List<Long> swarmCpu = new ArrayList<>();
            List<Long> originCpu = new ArrayList<>();
            for (int k = 1; k <= visitors; k++) {
                long before = stack.originBytes();
                try (SwarmVisitor plain = SwarmVisitor.arriveQuietly(stack, "?swarm=off")) {
                    originMs.add(plain.loadMillis());
                    csv.row("baseline", k, "origin", fmt(plain.loadMillis()), stack.originBytes() - before, 0, "0.000",
                            stack.originBytes() - before, 0, 0, 0, plain.loadCpuMillis());
                    originCpu.add(plain.loadCpuMillis());
                }
                before = stack.originBytes();
                SwarmVisitor visitor = SwarmVisitor.arriveQuietly(stack, "");
                open.add(visitor);
                SwarmStats s = visitor.stats();
                swarmMs.add(visitor.loadMillis());
                if (k > 3) {
                    offloadAfterThree.add(s.offload());
                }
                csv.row("arrival", k, "swarm", fmt(visitor.loadMillis()), s.fromOrigin(), s.fromPeers(), String.format("%.3f", s.offload()),
                        stack.originBytes() - before, 0, s.rejected().size(), s.peerFailures(), visitor.loadCpuMillis());
                swarmCpu.add(visitor.loadCpuMillis());
                System.out.printf("   visitor %d: swarm %.0f ms (%.0f%% from peers), origin only %.0f ms%n", k,
                        visitor.loadMillis(), 100 * s.offload(), originMs.get(originMs.size() - 1));
            }

            // The transport alone: the same pieces over the open pages, and from the origin, without the swarm.
            List<String> peerUrls = open.stream().map(SwarmVisitor::servingUrl).toList();
            List<Long> rawPeers = new ArrayList<>();
            List<Long> rawOrigin = new ArrayList<>();
            try (SwarmVisitor probe = SwarmVisitor.arriveQuietly(stack, "?swarm=off")) {
                for (int r = 1; r <= TRANSPORT_ROUNDS; r++) {
                    for (boolean peers : r % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                        long sentBefore = stack.originBytes();
                        long[] t = probe.fetchEveryPiece(peers ? peerUrls : List.of());
                        (peers ? rawPeers : rawOrigin).add(t[0]);
                        csv.row("transport", r, peers ? "peers-raw" : "origin-raw", t[0], peers ? 0 : t[1], peers ? t[1] : 0,
                                peers ? "1.000" : "0.000", stack.originBytes() - sentBefore, 0, 0, 0, t[2]);
                    }
                }
            }
            System.out.printf("   transport alone: every piece over %d pages %s ms, from the origin %s ms%n", peerUrls.size(),
                    rawPeers, rawOrigin);

            // A new version reaches the open pages (they look every second).
            long originBefore = stack.originBytes();
            long peersBefore = open.stream().mapToLong(v -> v.stats().fromPeers()).sum();
            long start = System.nanoTime();
            stack.publish(2);
            for (SwarmVisitor v : open) {
                v.browser().await(d -> v.stats().version() == 2);
            }
            double versionMs = (System.nanoTime() - start) / 1e6;
            long peersAfter = open.stream().mapToLong(v -> v.stats().fromPeers()).sum();
            long originVersionBytes = stack.originBytes() - originBefore;
            csv.row("version", "all", "swarm", fmt(versionMs), originVersionBytes, peersAfter - peersBefore,
                    String.format("%.3f", share(peersAfter - peersBefore, originVersionBytes)), originVersionBytes, 0, 0, 0, "");
            System.out.printf("   version 2 on all %d pages in %.0f ms (origin sent %d bytes, peers %d)%n", open.size(), versionMs,
                    originVersionBytes, peersAfter - peersBefore);

            // A liar joins; more visitors arrive, one after another.
            Map.Entry<SwarmVisitor, String> liar = SwarmVisitor.liar(stack, 2);
            open.add(liar.getKey());
            Map<String, Object> truth = stack.assetHashes();
            long altered = 0;
            long refusals = 0;
            List<Double> liarMs = new ArrayList<>();
            for (int k = visitors + 1; k <= visitors + LATE_VISITORS; k++) {
                long before = stack.originBytes();
                SwarmVisitor late = SwarmVisitor.arriveQuietly(stack, "");
                open.add(late);
                SwarmStats s = late.stats();
                Map<String, Object> held = late.assetHashes();
                long wrong = SwarmVisitor.ASSETS.stream().filter(a -> !truth.get(a).equals(held.get(a))).count();
                altered += wrong;
                refusals += s.rejected().size();
                liarMs.add(late.loadMillis());
                csv.row("malicious", k, "swarm", fmt(late.loadMillis()), s.fromOrigin(), s.fromPeers(),
                        String.format("%.3f", s.offload()), stack.originBytes() - before, wrong, s.rejected().size(), s.peerFailures(),
                        late.loadCpuMillis());
                System.out.printf("   with a liar, visitor %d: %.0f ms, %d altered assets accepted, %d refusals%n", k,
                        late.loadMillis(), wrong, s.rejected().size());
            }
            csv.write(lab.csv(NAME));

            double swarmMedian = Percentiles.median(Percentiles.ofMillis(swarmMs)) / 1000;
            double originMedian = Percentiles.median(Percentiles.ofMillis(originMs)) / 1000;
            double offload = offloadAfterThree.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            BenchSummary.record("E8b swarm offload, visitors 4.." + visitors, String.format("%.2f", offload), ">= 0.80",
                    "bytes from peers / all asset bytes, mean per visitor");
            BenchSummary.record("E8b swarm load / origin-only load", String.format("%.2f", swarmMedian / originMedian), "<= 1.5",
                    String.format("medians: swarm %.0f ms, origin only %.0f ms, %d visitors each", swarmMedian, originMedian, visitors));
            BenchSummary.record("E8b machine CPU per load, swarm / origin-only", String.format("%.2f",
                    (double) median(swarmCpu) / Math.max(1, median(originCpu))), "", String.format(
                    "medians: %d ms vs %d ms of CPU time (all processes) from opening the page to the last asset",
                    median(swarmCpu), median(originCpu)));
            BenchSummary.record("E8b transport alone, peers / origin", String.format("%.2f",
                    (double) median(rawPeers) / Math.max(1, median(rawOrigin))), "", String.format(
                    "medians: %d ms over %d pages vs %d ms from the origin, every piece at once, plain fetch()",
                    median(rawPeers), peerUrls.size(), median(rawOrigin)));
            BenchSummary.record("E8b new version on every open page (ms)", fmt(versionMs), "",
                    visitors + " pages polling every second; origin sent " + originVersionBytes + " bytes");
            double honest = Percentiles.median(Percentiles.ofMillis(swarmMs.subList(3, swarmMs.size()))) / 1000;
            double withLiar = Percentiles.median(Percentiles.ofMillis(liarMs)) / 1000;
            BenchSummary.record("E8b altered assets accepted", String.valueOf(altered), "0", LATE_VISITORS
                    + " visitors after a liar joined " + visitors + " honest peers; " + refusals + " refusals");
            BenchSummary.record("E8b load with a liar / without (median)", String.format("%.2f", withLiar / honest), "",
                    String.format("%.0f ms with the liar, %.0f ms for visitors 4..%d before it", withLiar, honest, visitors));
        } finally {
            open.forEach(SwarmVisitor::close);
        }
    }

    /**
     * Visitors of a stack of their own, not measured: the runtime, the discovery service and the
     * origin run in this JVM, and compiling their request paths cost a fresh process more CPU than
     * the loads themselves (the compiler threads took 130-340 ms of CPU per visitor up to the sixth);
     * a user's runtime runs for hours. A stack of its own leaves no stale adverts behind.
     */
    private static void warmUp(int visitors) throws Exception {
        long start = System.nanoTime();
        List<SwarmVisitor> open = new ArrayList<>();
        try (SwarmStack stack = SwarmStack.start()) {
            for (int k = 0; k < visitors; k++) {
                open.add(SwarmVisitor.arrive(stack, ""));
                SwarmVisitor.arrive(stack, "?swarm=off").close();
            }
        } finally {
            open.forEach(SwarmVisitor::close);
        }
        System.out.printf("   warm-up: %d visitors of a stack of their own, not measured (%.0f s)%n", visitors,
                (System.nanoTime() - start) / 1e9);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static double share(long part, long other) {
        return part + other == 0 ? 0 : (double) part / (part + other);
    }

    private static String fmt(double ms) {
        return String.format("%.1f", ms);
    }
}
