package org.browsersocket.address.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.browsersocket.address.http.AddressServer;
import org.browsersocket.address.http.CannotListenException;
import org.browsersocket.address.proxy.TrustedProxy;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code address-service} command line: its flags, and starting the server from them. */
@Command(
        name = AddressServiceCommand.NAME,
        mixinStandardHelpOptions = true,
        versionProvider = JarVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Tells a caller its external IPv4/IPv6 address and decodes Teredo addresses (CORS).",
            "This version answers only GET /healthz; every other route returns 501 until the"
                + " API arrives in a later version."
        })
public final class AddressServiceCommand implements Callable<Integer> {

    /** The service's name, used in its output. */
    public static final String NAME = "address-service";
    /** Exit code when the port cannot be bound. */
    public static final int EXIT_CANNOT_LISTEN = 2;

    private static final Logger LOG = Logger.getLogger(AddressServiceCommand.class.getName());

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7050",
            converter = PortConverter.class,
            description = "TCP port to listen on, IPv4 and IPv6 (default: ${DEFAULT-VALUE};"
                    + " 0 = any free port, the chosen one is printed).")
    private int port;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            converter = TrustedProxyConverter.class,
            description = "A proxy whose X-Forwarded-For/Forwarded headers may be honoured,"
                    + " e.g. 10.0.0.0/8 or 2001:db8::/32; repeatable. Validated and kept, but"
                    + " not used yet: this version ignores forwarding headers from everyone.")
    private List<TrustedProxy> trustedProxies = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<AddressServer> whenRunning;

    AddressServiceCommand(PrintStream out, PrintStream err, Consumer<AddressServer> whenRunning) {
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
                              Consumer<AddressServer> whenRunning) {
        CommandLine cmd = commandLine(new AddressServiceCommand(out, err, whenRunning));
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

    static CommandLine commandLine(AddressServiceCommand command) {
        OneLineErrors errors = new OneLineErrors(NAME);
        return new CommandLine(command)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
    }

    int port() {
        return port;
    }

    List<TrustedProxy> trustedProxies() {
        return List.copyOf(trustedProxies);
    }

    @Override
    public Integer call() {
        AddressServer server = new AddressServer(port, trustedProxies);
        try {
            server.start();
        } catch (CannotListenException e) {
            err.println(NAME + ": " + OneLineErrors.oneLine(e.getMessage()));
            err.flush();
            return EXIT_CANNOT_LISTEN;
        }
        if (!trustedProxies.isEmpty()) {
            LOG.info(() -> "trusted proxies " + trustedProxies
                    + " recorded; forwarding headers are not honoured yet in this version");
        }
        for (String line : server.listeningLines()) {
            out.println(line);
        }
        out.flush();
        whenRunning.accept(server);
        return 0;
    }
}
