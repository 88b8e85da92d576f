package org.browsersocket.service.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.service.http.BindAddress;
import org.browsersocket.service.http.CannotListenException;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.PortProbe;
import org.browsersocket.service.http.ServerLimits;
import org.browsersocket.service.http.ServiceServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line every service shares: {@code --port}, {@code --bind}, {@code --help},
 * {@code --version}, and starting the server. A subclass adds
 * {@code @Command(name = ..., description = ...)}, its own {@code @Option}s (listed after
 * {@code --bind} in the help) and {@link #newServer}.
 *
 * <p>On start-up it prints one line per bound address on {@code out}; when the port cannot be
 * bound it prints one line on {@code err} and returns {@link #EXIT_CANNOT_LISTEN}. An instance
 * runs one command line.
 *
 * @param <S> the service's server
 */
@Command(
        mixinStandardHelpOptions = true,
        versionProvider = ReleaseVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true)
public abstract class ServiceCommand<S extends ServiceServer> implements Callable<Integer> {

    /**
     * Exit code when the port cannot be bound: a failure while running (1), as in every
     * BrowserSocket jar; a bad command line is 2.
     */
    public static final int EXIT_CANNOT_LISTEN = 1;

    // No defaultValue: picocli falls back to (and shows as ${DEFAULT-VALUE}) the value the
    // constructor put in the field, so each service keeps its own default port.
    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "TCP port to listen on, IPv4 and IPv6 (default: ${DEFAULT-VALUE};"
                    + " 0 = any free port, the chosen one is printed).")
    private int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", converter = BindAddressConverter.class,
            description = "Address to listen on: an IP address such as 127.0.0.1 or ::1, or * for"
                    + " every IPv4 and IPv6 address (default: *); repeatable.")
    private List<BindAddress> bind = new ArrayList<>();

    @Spec
    private CommandSpec spec; // injected by picocli

    private PrintStream out;
    private PrintStream err;
    private Consumer<? super S> whenRunning;

    /** @param defaultPort the port used when {@code --port} is not given */
    protected ServiceCommand(int defaultPort) {
        this.port = defaultPort;
    }

    /** Creates (but does not start) the server listening as {@code listen} says. */
    protected abstract S newServer(Listen listen);

    /**
     * Called once the server listens, before the listening lines are printed; e.g. to log how
     * the service's own flags were taken. Does nothing by default.
     */
    protected void started(S server) {
    }

    /**
     * Parses {@code args} and acts on them: prints help or version, reports a bad flag, or
     * starts the server and hands it to {@code whenRunning}, which owns stopping it from then
     * on. Returns the exit code (0 when the server is running).
     */
    public final int execute(String[] args, PrintStream out, PrintStream err,
                             Consumer<? super S> whenRunning) {
        if (this.whenRunning != null) {
            throw new IllegalStateException("a command instance runs one command line");
        }
        this.out = out;
        this.err = err;
        this.whenRunning = whenRunning;
        return CommandRunner.execute(this, args, out, err);
    }

    /** The port asked for on the command line (or the default). */
    protected final int port() {
        return port;
    }

    /** The addresses, port and (default) limits asked for on the command line. */
    protected final Listen listen() {
        return new Listen(bind.isEmpty() ? List.of(BindAddress.ANY) : bind, port, ServerLimits.DEFAULTS);
    }

    @Override
    public final Integer call() {
        S server;
        try {
            // Before the server is made: a busy port must leave nothing behind (say, a new store).
            PortProbe.requireFree(listen());
            server = newServer(listen());
            server.start();
        } catch (CannotListenException e) {
            err.println(spec.name() + ": " + OneLineErrors.oneLine(e.getMessage()));
            err.flush();
            return EXIT_CANNOT_LISTEN;
        }
        started(server);
        for (String line : server.listeningLines()) {
            out.println(line);
        }
        out.flush();
        whenRunning.accept(server);
        return 0;
    }
}
