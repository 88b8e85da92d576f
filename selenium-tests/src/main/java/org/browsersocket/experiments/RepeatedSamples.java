package org.browsersocket.experiments;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One series' samples over an experiment's repetitions: each repetition's median (whose median
 * and bootstrap interval are the series' figure) and every sample pooled (for tails and CDFs).
 */
final class RepeatedSamples {
    private final Histogram pooled = new Histogram(3);
    private final List<Double> medians = new ArrayList<>();

    /** Adds one repetition's samples. */
    void add(Histogram repetition) {
        pooled.add(repetition);
        medians.add(Percentiles.median(repetition));
    }

    /** The median over repetitions of each repetition's median, with its 95% interval. */
    Bootstrap.Interval median() {
        return Bootstrap.medianInterval(medians.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The 99th percentile of every sample, repetitions pooled. */
    double p99() {
        return Percentiles.p99(pooled);
    }

    long samples() {
        return pooled.getTotalCount();
    }

    Histogram pooled() {
        return pooled;
    }
}
