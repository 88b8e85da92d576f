package org.browsersocket.service.cli;

import java.io.PrintStream;

import org.browsersocket.service.http.ServiceServer;

/**
 * The life of a service jar's process: {@link #main} sets up logging, runs the command line and
 * exits with its code when it is non-zero. When the server is running {@code main} simply
 * returns: Jetty's threads keep the JVM alive and a shutdown hook stops the server on SIGTERM,
 * printing {@code NAME stopped}.
 */
public final class ServiceProcess {

    private ServiceProcess() {
    }

    /** The whole of a service's {@code main(String[])}. */
    public static void main(ServiceCommand<?> command, String[] args) {
        ConsoleLogging.configure();
        PrintStream out = System.out;
        int exitCode = command.execute(args, out, System.err,
                server -> Runtime.getRuntime().addShutdownHook(shutdownHook(server, out)));
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** A thread that stops {@code server} and prints {@code NAME stopped} on {@code out}. */
    static Thread shutdownHook(ServiceServer server, PrintStream out) {
        return new Thread(() -> {
            server.stop();
            // Printed rather than logged: JUL's own shutdown hook may already have reset the
            // log handlers by the time this one runs, and the line would be lost.
            out.println(server.name() + " stopped");
            out.flush();
        }, server.name() + "-shutdown");
    }
}
