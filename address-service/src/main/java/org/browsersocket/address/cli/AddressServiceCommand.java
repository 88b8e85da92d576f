package org.browsersocket.address.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.browsersocket.address.http.AddressServer;
import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.service.cli.ServiceCommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code address-service} command line: its flags, and starting the server from them
 * ({@code --port}, {@code --help} and {@code --version} come from {@link ServiceCommand}).
 */
@Command(
        name = AddressServer.NAME,
        description = {
            "Tells a caller its external IPv4/IPv6 address and decodes Teredo addresses (CORS).",
            "GET /address, GET /teredo/{ipv6}, GET / (a page about the API), GET /healthz."
        })
public final class AddressServiceCommand extends ServiceCommand<AddressServer> {

    /** The port used when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 7050;

    private static final Logger LOG = Logger.getLogger(AddressServiceCommand.class.getName());

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            converter = TrustedProxyConverter.class,
            description = "A proxy whose X-Forwarded-For/Forwarded headers are honoured (the right-most"
                    + " hop outside the trusted proxies is the caller), e.g. 10.0.0.0/8 or 2001:db8::/32;"
                    + " repeatable. Without it, forwarding headers are ignored.")
    private List<TrustedProxy> trustedProxies = new ArrayList<>();

    public AddressServiceCommand() {
        super(DEFAULT_PORT);
    }

    @Override
    protected AddressServer newServer(int port) {
        return new AddressServer(port, trustedProxies);
    }

    @Override
    protected void started(AddressServer server) {
        if (!trustedProxies.isEmpty()) {
            LOG.info(() -> "honouring forwarding headers from trusted proxies " + trustedProxies);
        }
    }
}
