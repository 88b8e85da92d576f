package org.browsersocket.experiments;

import java.util.List;
import org.HdrHistogram.Histogram;

/** Medians and tails of recorded samples. */
public final class Percentiles {
    private Percentiles() {}

    public static double median(Histogram h) {
        return h.getValueAtPercentile(50);
    }

    public static double p90(Histogram h) {
        return h.getValueAtPercentile(90);
    }

    public static double p99(Histogram h) {
        return h.getValueAtPercentile(99);
    }

    /** Samples in milliseconds (from a page) into a histogram of microseconds. */
    static Histogram ofMillis(List<? extends Number> samples) {
        Histogram h = new Histogram(3);
        for (Number n : samples) {
            h.recordValue(Math.max(1, Math.round(n.doubleValue() * 1000)));
        }
        return h;
    }

    public static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }
}
