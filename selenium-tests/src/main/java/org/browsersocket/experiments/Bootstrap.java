package org.browsersocket.experiments;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The spread of a figure over an experiment's repetitions: the median of the per-repetition
 * values and its 95% percentile-bootstrap confidence interval (resampling the repetitions with
 * replacement, {@value #RESAMPLES} times, from a fixed seed so a rerun on the same values gives
 * the same interval).
 */
public final class Bootstrap {
    static final int RESAMPLES = 10_000;
    private static final long SEED = 0x5EED_B5L;

    private Bootstrap() {}

    /** A median over repetitions with its 95% interval; {@code low <= median <= high}. */
    public record Interval(double median, double low, double high, int repetitions) {}

    /** The median of {@code values} (one per repetition) and its 95% bootstrap interval. */
    public static Interval medianInterval(double[] values) {
        if (values.length == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = median(values.clone());
        if (values.length == 1) {
            return new Interval(median, median, median, 1);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] resample = new double[values.length];
        double[] medians = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < resample.length; i++) {
                resample[i] = values[random.nextInt(values.length)];
            }
            medians[r] = median(resample);
        }
        Arrays.sort(medians);
        double low = medians[(int) Math.floor(0.025 * (RESAMPLES - 1))];
        double high = medians[(int) Math.ceil(0.975 * (RESAMPLES - 1))];
        return new Interval(median, Math.min(low, median), Math.max(high, median), values.length);
    }

    /** The median of {@code values}, sorting them in place. */
    static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
