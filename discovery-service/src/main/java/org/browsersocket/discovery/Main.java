package org.browsersocket.discovery;

import java.io.PrintStream;
import java.util.function.Consumer;

import org.browsersocket.discovery.cli.DiscoveryServiceCommand;
import org.browsersocket.discovery.cli.ConsoleLogging;
import org.browsersocket.discovery.http.DiscoveryServer;

/**
 * Entry point of {@code discovery-service.jar}.
 *
 * <p>{@link #run} parses the flags, starts the server and returns an exit code without ever
 * calling {@link System#exit}; {@link #main} exits with that code when it is non-zero. When the
 * server is running {@code main} simply returns: Jetty's threads keep the JVM alive and the
 * shutdown hook stops the server on SIGTERM.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ConsoleLogging.configure();
        int exitCode = run(args, System.out, System.err);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** Runs the command line; a started server is stopped by a JVM shutdown hook. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, server -> stopOnShutdown(server, out));
    }

    /**
     * Runs the command line; {@code whenRunning} receives the server once it listens and owns
     * stopping it from then on.
     */
    public static int run(String[] args, PrintStream out, PrintStream err,
                          Consumer<DiscoveryServer> whenRunning) {
        return DiscoveryServiceCommand.execute(args, out, err, whenRunning);
    }

    private static void stopOnShutdown(DiscoveryServer server, PrintStream out) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            // Printed rather than logged: JUL's own shutdown hook may already have reset the
            // log handlers by the time this one runs, and the line would be lost.
            out.println(DiscoveryServiceCommand.NAME + " stopped");
            out.flush();
        }, DiscoveryServiceCommand.NAME + "-shutdown"));
    }
}
