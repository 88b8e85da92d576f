package org.browsersocket.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import org.browsersocket.load.LoadGenerator;

/**
 * {@code make bench}'s short throughput step (E2's headline points): closed-loop echo load from
 * the load generator against the page-hosted echo and the native Java-WebSocket echo, in
 * alternating rounds (the other server first in the second round), summed per server.
 */
final class ThroughputStep {
    /** A load point: message size and concurrent clients. */
    record Point(int bytes, int clients) {}

    static final Point SMALL = new Point(64, 100);
    static final Point LARGE = new Point(65536, 10);
    static final int ROUNDS = 2;

    private ThroughputStep() {}

    /** Runs both points against both servers, prints a table and records E2's two ratios. */
    static void run(URI page, URI nativeEcho, Duration perRound) throws Exception {
        System.out.printf(Locale.ROOT, "throughput, closed loop, %d alternating rounds x %.1f s per server%n",
                ROUNDS, perRound.toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "%-26s %12s %10s %12s %10s %8s%n", "point", "page msg/s", "page MB/s",
                "native msg/s", "native MB/s", "ratio");
        for (Point point : new Point[] {SMALL, LARGE}) {
            double[] pageSum = new double[2];
            double[] nativeSum = new double[2];
            for (int round = 0; round < ROUNDS; round++) {
                boolean pageFirst = round % 2 == 0;
                measure(pageFirst ? page : nativeEcho, point, perRound, pageFirst ? pageSum : nativeSum);
                measure(pageFirst ? nativeEcho : page, point, perRound, pageFirst ? nativeSum : pageSum);
            }
            boolean large = point == LARGE;
            double ratio = large ? pageSum[1] / Math.max(1e-9, nativeSum[1]) : pageSum[0] / Math.max(1e-9, nativeSum[0]);
            System.out.printf(Locale.ROOT, "%-26s %12.0f %10.1f %12.0f %10.1f %7.2fx%n",
                    point.bytes() + " B, " + point.clients() + " clients", pageSum[0] / ROUNDS, pageSum[1] / ROUNDS,
                    nativeSum[0] / ROUNDS, nativeSum[1] / ROUNDS, ratio);
            String detail = String.format(Locale.ROOT, "page %.0f vs native %.0f %s", (large ? pageSum[1] : pageSum[0]) / ROUNDS,
                    (large ? nativeSum[1] : nativeSum[0]) / ROUNDS, large ? "MB/s" : "msg/s");
            if (large) {
                BenchSummary.record("E2 page / native MB/s, 64 KiB, " + point.clients() + " clients",
                        BenchSummary.figure(ratio), ">= 0.7", detail);
            } else {
                BenchSummary.record("E2 page / native msg/s, 64 B, " + point.clients() + " clients",
                        BenchSummary.figure(ratio), ">= 0.5", detail);
            }
        }
    }

    private static void measure(URI url, Point point, Duration perRound, double[] sum) throws Exception {
        LoadGenerator.Result result = LoadGenerator.run(new LoadGenerator.Config(url, point.clients(), point.bytes(), true, 0,
                Duration.ofMillis(Math.min(1000, perRound.toMillis() / 3)), perRound));
        if (result.connectFailures() > 0 || result.connectionsLost() > 0 || result.mismatched() > 0) {
            System.out.printf(Locale.ROOT, "  %s: %d connections failed, %d lost, %d echoes mismatched%n", url,
                    result.connectFailures(), result.connectionsLost(), result.mismatched());
        }
        sum[0] += result.messagesPerSecond();
        sum[1] += result.megabytesPerSecond();
    }
}
