package org.browsersocket.experiments;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every experiment gets: where to write, how long to run (a quick mode for CI-like checks),
 * and the repository root (jars, scripts).
 */
public record Lab(Path repoRoot, Path results, boolean quick) {
    /**
     * Most of a series' messages (or connections, or attempts) a run may lose before it fails:
     * lost ones are unanswered, mismatched or cut off, and would otherwise vanish from the figures.
     */
    public static final double MAX_LOST_FRACTION = 0.01;

    /**
     * Fails the run when {@code series} lost more than {@link #MAX_LOST_FRACTION} of the
     * {@code attempted} it tried; returns {@code lost}, for its CSV column.
     */
    public static long checkLoss(String series, long lost, long attempted) {
        if (lost > MAX_LOST_FRACTION * Math.max(1, attempted)) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "%s lost %d of %d (more than %.0f%%): the run is not a measurement of it",
                    series, lost, attempted, MAX_LOST_FRACTION * 100));
        }
        return lost;
    }

    /** A time span: {@code quickMillis} in quick mode, else {@code fullMillis}. */
    public Duration span(long quickMillis, long fullMillis) {
        return Duration.ofMillis(quick ? quickMillis : fullMillis);
    }

    /** A count: {@code quickCount} in quick mode, else {@code fullCount}. */
    public int count(int quickCount, int fullCount) {
        return quick ? quickCount : fullCount;
    }

    public Path csv(String name) {
        return results.resolve(name + ".csv");
    }

    public Path env(String name) {
        return results.resolve(name + ".env.json");
    }
}
