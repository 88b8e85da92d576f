package org.browsersocket.service.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * java.util.logging set-up for a service process: one line per record, Jetty and Spark's
 * start-up chatter only from WARNING up. (slf4j-jdk14 routes Spark's and Jetty's logging into
 * JUL.)
 */
public final class ConsoleLogging {

    // JUL keeps loggers weakly; these strong references keep the configured levels alive.
    private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");
    private static final Logger JETTY_LIFECYCLE =
            Logger.getLogger("org.eclipse.jetty.util.component.AbstractLifeCycle");
    private static final Logger SPARK_SERVER = Logger.getLogger("spark.embeddedserver");

    private ConsoleLogging() {
    }

    /** Applies the levels and a one-line format unless the user configured JUL otherwise. */
    public static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        JETTY.setLevel(Level.WARNING);
        // A port that cannot be bound is reported by us on one line; Jetty would add a WARNING
        // with a full stack trace for the same failure.
        JETTY_LIFECYCLE.setLevel(Level.SEVERE);
        SPARK_SERVER.setLevel(Level.WARNING);
    }
}
