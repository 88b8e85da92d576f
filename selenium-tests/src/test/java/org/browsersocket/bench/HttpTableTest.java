package org.browsersocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The HTTP bench's figures and table: merging, ratios, what bounded a point, the cache's verdict. */
class HttpTableTest {
    /** A point with {@code requests} latencies of {@code micros} each over {@code seconds}. */
    static HttpPoint point(String target, int bytes, int connections, long requests, long micros, double seconds,
                           double client, double targetCores, double browser, double pageThread, double machine) {
        Histogram h = HttpLoad.newHistogram();
        if (requests > 0) {
            h.recordValueWithCount(micros, requests);
        }
        return new HttpPoint(target, bytes, connections, h, requests, seconds, 0, 0, 0, 0, 0, requests + 10,
                target.equals(HttpTargets.NATIVE) ? 0 : requests + 10, client, targetCores, browser, 0, pageThread, machine);
    }

    @Test
    void percentilesComeFromTheSharedPercentilesCode() {
        Histogram h = HttpLoad.newHistogram();
        for (int i = 1; i <= 100; i++) {
            h.recordValue(i * 10L);
        }
        HttpPoint p = new HttpPoint("native", 1024, 1, h, 100, 2, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(org.browsersocket.experiments.Percentiles.median(h), p.p50Micros());
        assertEquals(500, p.p50Micros(), 1);
        assertEquals(900, p.p90Micros(), 1);
        assertEquals(990, p.p99Micros(), 1);
        assertEquals(50, p.requestsPerSecond(), 1e-9);
        assertEquals(50 * 1024 / 1e6, p.megabytesPerSecond(), 1e-12);
    }

    @Test
    void measurementsOfOnePointAddUpWithCpuWeightedByTheirWindows() {
        HttpPoint a = point("page", 1024, 8, 100, 1000, 1, 0.1, 1.0, 0.4, 0.2, 2.0);
        HttpPoint b = point("page", 1024, 8, 300, 3000, 3, 0.3, 2.0, 0.8, 0.6, 1.0);
        HttpPoint sum = a.plus(b);
        assertEquals(400, sum.requests());
        assertEquals(4, sum.seconds(), 1e-9);
        assertEquals(100, sum.requestsPerSecond(), 1e-9);
        assertEquals(400, sum.latencyMicros().getTotalCount());
        assertEquals(3000, sum.p50Micros(), 5);
        assertEquals((0.1 * 1 + 0.3 * 3) / 4, sum.clientCores(), 1e-9);
        assertEquals((1.0 + 2.0 * 3) / 4, sum.targetCores(), 1e-9);
        assertEquals((2.0 + 1.0 * 3) / 4, sum.machineCores(), 1e-9);
        assertEquals(420, sum.sent());
        assertEquals(100, a.latencyMicros().getTotalCount(), "the parts are left alone");
        assertThrows(IllegalArgumentException.class, () -> a.plus(point("native", 1024, 8, 1, 1, 1, 0, 0, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> a.plus(point("page", 1024, 32, 1, 1, 1, 0, 0, 0, 0, 0)));
    }

    @Test
    void cpuPerRequestAndTheShares() {
        HttpPoint p = point("relay", 65536, 1, 500, 2000, 1, 0.05, 1.5, 0.5, 0.3, 1.9);
        assertEquals(3000, p.targetCpuMicrosPerRequest(), 1e-9); // 1.5 cores over 500 requests/s
        assertEquals(1.0, p.serverCores(), 1e-9);
        assertEquals(0.35, p.otherCores(), 1e-9);
        assertEquals(1.0, p.pageShare(), 1e-9); // the page answered every request sent, warm-up included
        assertEquals(0, point("native", 1, 1, 0, 0, 1, 0, 1, 0, 0, 1).targetCpuMicrosPerRequest());
    }

    @Test
    void sizesInWords() {
        assertEquals("1 KiB", HttpTable.size(1024));
        assertEquals("64 KiB", HttpTable.size(65536));
        assertEquals("1 MiB", HttpTable.size(1 << 20));
        assertEquals("1000 B", HttpTable.size(1000));
    }

    @Test
    void aRowHasItsRatiosToTheNativeServer() {
        HttpPoint nat = point("native", 1024, 32, 20000, 500, 1, 0.5, 1.2, 0, 0, 2);
        HttpPoint page = point("page", 1024, 32, 1000, 20000, 1, 0.05, 1.8, 0.7, 0.4, 2);
        String row = HttpTable.row(page, nat);
        assertTrue(row.contains("page-hosted, direct"), row);
        assertTrue(row.contains("0.050x"), row);   // requests/s: 1000 / 20000
        assertTrue(row.contains("40.0x"), row);    // p50: 20 ms / 0.5 ms
        assertTrue(row.contains(" 1800 "), row);   // 1.8 cores over 1000 requests/s: 1800 us each
        assertTrue(HttpTable.row(page, null).endsWith("-        -"), HttpTable.row(page, null));
        assertEquals(HttpTable.header().length(), HttpTable.row(nat, nat).length(), "columns line up");
    }

    @Test
    void whatBoundedAPoint() {
        assertTrue(HttpTable.bound(point("native", 1024, 32, 1, 1, 1, 0.95, 0.9, 0, 0, 2), 2, 1).startsWith("client"));
        assertTrue(HttpTable.bound(point("page", 1024, 32, 1, 1, 1, 0.1, 1.5, 0.95, 0.9, 1.9), 2, 1)
                .startsWith("page's JavaScript thread"));
        assertTrue(HttpTable.bound(point("native", 1024, 32, 1, 1, 1, 0.5, 1.3, 0, 0, 1.9), 2, 1).startsWith("machine"));
        String latency = HttpTable.bound(point("page", 1024, 1, 1, 1, 1, 0.05, 0.6, 0.2, 0.1, 0.8), 2, 1);
        assertTrue(latency.startsWith("the target's path"), latency);
        assertTrue(latency.contains("runtime 0.40, browser 0.20 (page thread 0.10)"), latency);
        assertTrue(HttpTable.bound(point("native", 1024, 32, 1, 1, 1, 1.0, 0.5, 0, 0, 1.6), 2, 2).startsWith("the target"),
                "two event loops at one core are not busy");
    }

    @Test
    void theCacheVerdictFollowsTheShareThatReachedThePage() {
        assertTrue(HttpTable.cacheVerdict(1, 10_000).contains("from its cache"));
        assertTrue(HttpTable.cacheVerdict(10_000, 10_000).contains("no copy"));
        assertEquals("the relay answered 50% of them itself", HttpTable.cacheVerdict(5_000, 10_000));
        assertEquals("not measured", HttpTable.cacheVerdict(0, 0));
    }

    @Test
    void theTableGroupsByPointAndSaysWhatWasNotMeasured() {
        List<HttpPoint> points = List.of(point("native", 1024, 1, 100, 100, 1, 0.2, 0.3, 0, 0, 0.6),
                point("page", 1024, 1, 10, 1000, 1, 0.01, 0.5, 0.2, 0.1, 0.6),
                point("warm", 1024, 1, 50, 200, 1, 0.1, 0.4, 0.2, 0.01, 0.6));
        String table = HttpTable.format(points, Map.of("relay", "HTTP 426: no"), 2, 1);
        assertTrue(table.contains("0.100x"), table);
        assertTrue(table.contains("not measured: page-hosted, through a relay: HTTP 426: no"), table);
        assertTrue(table.contains("what bounded each point"), table);
        assertTrue(table.contains("relay cache: 60 of 60 warm requests reached the page"), table);
    }

    @Test
    void theClientCheckSaysWhichClientWouldBound() {
        HttpPoint netty = point("native", 1024, 32, 50_000, 500, 1, 0.5, 1.2, 0, 0, 2);
        assertTrue(HttpTable.clientCheck(netty, 12_000, 1.4, 1).contains("the JDK client would bound"));
        assertTrue(HttpTable.clientCheck(netty, 49_000, 1.4, 1).contains("neither client bounds"));
        HttpPoint busy = point("native", 1024, 32, 50_000, 500, 1, 0.97, 1.0, 0, 0, 2);
        assertTrue(HttpTable.clientCheck(busy, 12_000, 1.4, 1).contains("lower bound"));
    }

    @Test
    void procFiguresAreParsed() {
        assertEquals(100 + 2 + 30 + 4 + 5 + 6, CpuTimes.busyTicks("cpu  100 2 30 1000 50 4 5 6 0 0"));
        String stat = "1234 (a (b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0 100 0 0";
        assertEquals(325, CpuTimes.processTicks(stat));
        assertEquals(1.5, CpuTimes.cores(300, 2), 1e-9);
        assertEquals(0, CpuTimes.cores(300, 0));
        assertEquals(7, CpuTimes.busiest(Map.of(1L, 10L, 2L, 3L), Map.of(1L, 12L, 2L, 10L, 3L, 99L)));
        assertTrue(CpuTimes.processTicks(List.of(ProcessHandle.current().pid())) >= 0);
    }
}
