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
            "OpenLookup-like store of peer advertisements (OpenDHT XML-RPC and JSON/CORS).",
            ServiceCommand.HEALTHZ_ONLY
        })
public final class DiscoveryServiceCommand extends ServiceCommand<DiscoveryServer> {

    /** The port used when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 7060;

    private static final Logger LOG = Logger.getLogger(DiscoveryServiceCommand.class.getName());

    @Option(names = "--store", paramLabel = "STORE", defaultValue = StoreLocation.DEFAULT,
            converter = StoreLocationConverter.class,
            description = "embedded:DIR or redis://host:port (default: ${DEFAULT-VALUE})."
                    + " Validated and kept, but not used yet: this version stores nothing.")
    private StoreLocation store;

    public DiscoveryServiceCommand() {
        super(DEFAULT_PORT);
    }

    @Override
    protected DiscoveryServer newServer(int port) {
        return new DiscoveryServer(port, store);
    }

    @Override
    protected void started(DiscoveryServer server) {
        LOG.info(() -> "store " + store + " recorded; this version opens no store yet");
    }
}
