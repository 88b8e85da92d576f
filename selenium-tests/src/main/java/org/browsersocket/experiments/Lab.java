package org.browsersocket.experiments;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every experiment gets: where to write, how long to run (a quick mode for CI-like checks),
 * and the repository root (jars, scripts).
 */
public record Lab(Path repoRoot, Path results, boolean quick) {
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
