package org.browsersocket.discovery.cli;

import java.util.logging.Logger;

import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.cli.ServiceCommand;
import org.browsersocket.service.http.Listen;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code discovery-service} command line: its flags, and starting the server from them
 * ({@code --port}, {@code --help} and {@code --version} come from {@link ServiceCommand}).
 */
@Command(
        name = DiscoveryServer.NAME,
        description = {
            "OpenLookup-like store of peer advertisements (OpenDHT XML-RPC and JSON/CORS)."
        })
public final class DiscoveryServiceCommand extends ServiceCommand<DiscoveryServer> {

    /** The port used when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 7060;

    private static final Logger LOG = Logger.getLogger(DiscoveryServiceCommand.class.getName());

    @Option(names = "--store", paramLabel = "STORE", defaultValue = StoreLocation.DEFAULT,
            converter = StoreLocationConverter.class,
            description = "embedded:DIR or redis://host:port (default: ${DEFAULT-VALUE})."
                    + " Several instances may share one Redis.")
    private StoreLocation store;

    @Option(names = "--writes-per-second", paramLabel = "N", defaultValue = "50",
            description = "Writes (puts, removals, signed updates) one client (IPv4 address or IPv6 /64) may"
                    + " make per second, in bursts of 10x (default: ${DEFAULT-VALUE}).")
    private double writesPerSecond;

    @Option(names = "--puts-per-name-per-minute", paramLabel = "N", defaultValue = "10",
            description = "Puts one client may make to one name per minute, in bursts of as many"
                    + " (default: ${DEFAULT-VALUE}).")
    private double putsPerNamePerMinute;

    @Option(names = "--max-stored-bytes", paramLabel = "SIZE", defaultValue = "1g",
            converter = ByteSizeConverter.class,
            description = "Most the store may hold in all, e.g. 512m or 4g (default: ${DEFAULT-VALUE});"
                    + " beyond it puts are refused (507, XML-RPC 1) until values expire.")
    private long maxStoredBytes;

    @Spec
    private CommandSpec spec; // injected by picocli

    public DiscoveryServiceCommand() {
        super(DEFAULT_PORT);
    }

    @Override
    protected DiscoveryServer newServer(Listen listen) {
        if (!(writesPerSecond > 0) || !(putsPerNamePerMinute > 0)) {
            // A bad command line (exit code 2), reported like picocli's own.
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--writes-per-second and --puts-per-name-per-minute must be positive");
        }
        DiscoveryLimits defaults = DiscoveryLimits.DEFAULTS;
        return new DiscoveryServer(listen, store, new DiscoveryLimits(writesPerSecond, putsPerNamePerMinute,
                maxStoredBytes, defaults.watchesPerClient(), defaults.maxWatches()));
    }

    @Override
    protected void started(DiscoveryServer server) {
        LOG.info(() -> "store " + store + " opened; limits " + server.limits());
    }
}
