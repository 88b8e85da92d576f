package org.browsersocket.discovery.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.http.CannotListenException;
import org.browsersocket.discovery.store.StoreLocation;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code discovery-service} command line: its flags, and starting the server from them. */
@Command(
        name = DiscoveryServiceCommand.NAME,
        mixinStandardHelpOptions = true,
        versionProvider = JarVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "OpenLookup-like store of peer advertisements (OpenDHT XML-RPC and JSON/CORS).",
            "This version answers only GET /healthz; every other route returns 501 until the"
                + " API arrives in a later version."
        })
public final class DiscoveryServiceCommand implements Callable<Integer> {

    /** The service's name, used in its output. */
    public static final String NAME = "discovery-service";
    /** Exit code when the port cannot be bound. */
    public static final int EXIT_CANNOT_LISTEN = 2;

    private static final Logger LOG = Logger.getLogger(DiscoveryServiceCommand.class.getName());

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7060",
            converter = PortConverter.class,
            description = "TCP port to listen on, IPv4 and IPv6 (default: ${DEFAULT-VALUE};"
                    + " 0 = any free port, the chosen one is printed).")
    private int port;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = StoreLocation.DEFAULT,
            converter = StoreLocationConverter.class,
            description = "embedded:DIR or redis://host:port (default: ${DEFAULT-VALUE})."
                    + " Validated and kept, but not used yet: this version stores nothing.")
    private StoreLocation store;

    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<DiscoveryServer> whenRunning;

    DiscoveryServiceCommand(PrintStream out, PrintStream err, Consumer<DiscoveryServer> whenRunning) {
        this.out = out;
        this.err = err;
        this.whenRunning = whenRunning;
    }

    /**
     * Parses {@code args} and acts on them: prints help or version, reports a bad flag, or
     * starts the server and hands it to {@code whenRunning}. Returns the exit code (0 when the
     * server is running).
     */
    public static int execute(String[] args, PrintStream out, PrintStream err,
                              Consumer<DiscoveryServer> whenRunning) {
        CommandLine cmd = commandLine(new DiscoveryServiceCommand(out, err, whenRunning));
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cmd.setOut(outWriter);
        cmd.setErr(errWriter);
        try {
            return cmd.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    static CommandLine commandLine(DiscoveryServiceCommand command) {
        OneLineErrors errors = new OneLineErrors(NAME);
        return new CommandLine(command)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    int port() {
        return port;
    }

    StoreLocation store() {
        return store;
    }

    @Override
    public Integer call() {
        DiscoveryServer server = new DiscoveryServer(port, store);
        try {
            server.start();
        } catch (CannotListenException e) {
            err.println(NAME + ": " + OneLineErrors.oneLine(e.getMessage()));
            err.flush();
            return EXIT_CANNOT_LISTEN;
        }
        LOG.info(() -> "store " + store + " recorded; this version opens no store yet");
        for (String line : server.listeningLines()) {
            out.println(line);
        }
        out.flush();
        whenRunning.accept(server);
        return 0;
    }
}
