package org.browsersocket.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.browsersocket.bench.HttpPoint;
import org.junit.jupiter.api.Test;

/** E8's summary rows: one per target and point, with ratios to the native server and to the page at that point. */
class HttpExperimentTest {
    private static HttpPoint point(String target, int connections, long requests, long micros) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(micros, requests);
        return new HttpPoint(target, 1024, connections, h, requests, 1, 0, 0, 1, 0, 0, requests, 0, 0.1, 1, 0, 0, 0, 2);
    }

    @Test
    void ratiosAreToTheNativeServerAndThePageAtTheSamePoint() {
        List<Object[]> rows = HttpExperiment.summaryRows(List.of(point("native", 1, 1000, 100), point("page", 1, 100, 1000),
                point("warm", 1, 400, 250), point("native", 8, 4000, 200), point("page", 8, 200, 4000)), 3,
                java.util.Map.of(HttpPoint.key("page", 1024, 1), List.of(90.0, 100.0, 120.0)));
        assertEquals(5, rows.size());
        assertEquals(HttpExperiment.HEADER.length, rows.get(0).length);
        Object[] page = rows.get(1);
        assertEquals("page", page[0]);
        assertEquals(3, page[3]);
        assertEquals(0.1, (double) page[column("ratio_rps")], 1e-9);
        assertEquals(10.0, (double) page[column("ratio_p50")], 0.05);
        assertEquals(1.0, (double) page[column("ratio_rps_page")], 1e-9);
        assertEquals(100.0, (double) page[column("median_rps")], 1e-9); // the median of the repetitions' rates
        assertEquals(90.0, (double) page[column("ci_low_rps")], 1e-9);
        assertEquals(120.0, (double) page[column("ci_high_rps")], 1e-9);
        Object[] warm = rows.get(2);
        assertEquals(0.4, (double) warm[column("ratio_rps")], 1e-9);
        assertEquals(4.0, (double) warm[column("ratio_rps_page")], 1e-9);
        Object[] nat8 = rows.get(3);
        assertEquals(1.0, (double) nat8[column("ratio_rps")], 1e-9);
        assertEquals(20.0, (double) nat8[column("ratio_rps_page")], 1e-9);
        assertEquals(1L, nat8[column("failures")]);
    }

    @Test
    void aPointWithoutANativeOrPageMeasurementHasRatiosOfZero() {
        Object[] lone = HttpExperiment.summaryRows(List.of(point("relay", 32, 10, 10)), 1, java.util.Map.of()).get(0);
        assertEquals(0.0, lone[column("ratio_rps")]);
        assertEquals(0.0, lone[column("ratio_rps_page")]);
    }

    private static int column(String name) {
        return List.of(HttpExperiment.HEADER).indexOf(name);
    }
}
