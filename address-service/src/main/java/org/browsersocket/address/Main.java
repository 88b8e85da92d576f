package org.browsersocket.address;

import java.io.PrintStream;
import java.util.function.Consumer;

import org.browsersocket.address.cli.AddressServiceCommand;
import org.browsersocket.address.cli.ConsoleLogging;
import org.browsersocket.address.http.AddressServer;

/**
 * Entry point of {@code address-service.jar}.
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
                          Consumer<AddressServer> whenRunning) {
        return AddressServiceCommand.execute(args, out, err, whenRunning);
    }

    private static void stopOnShutdown(AddressServer server, PrintStream out) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            // Printed rather than logged: JUL's own shutdown hook may already have reset the
            // log handlers by the time this one runs, and the line would be lost.
            out.println(AddressServiceCommand.NAME + " stopped");
            out.flush();
        }, AddressServiceCommand.NAME + "-shutdown"));
    }
}
