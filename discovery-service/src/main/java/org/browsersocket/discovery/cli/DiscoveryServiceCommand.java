package org.browsersocket.discovery.cli;

import java.util.logging.Logger;

import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.cli.ServiceCommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            description = "Writes (puts, removals, signed updates) one client address may make per second,"
                    + " in bursts of 10x (default: ${DEFAULT-VALUE}).")
    private double writesPerSecond;

    public DiscoveryServiceCommand() {
        super(DEFAULT_PORT);
    }

    @Override
    protected DiscoveryServer newServer(int port) {
        return new DiscoveryServer(port, store, writesPerSecond);
    }

    @Override
    protected void started(DiscoveryServer server) {
        LOG.info(() -> "store " + store + " opened");
    }
}
