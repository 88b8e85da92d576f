package org.browsersocket.address.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.browsersocket.address.http.AddressServer;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.service.cli.ServiceCommand;
import org.browsersocket.service.http.Listen;

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
            description = "A proxy whose forwarding header (see --proxy-header) is honoured (the right-most"
                    + " hop outside the trusted proxies is the caller), e.g. 10.0.0.0/8 or 2001:db8::/32;"
                    + " repeatable. Without it, forwarding headers are ignored.")
    private List<TrustedProxy> trustedProxies = new ArrayList<>();

    @Option(names = "--proxy-header", paramLabel = "HEADER", defaultValue = "X-Forwarded-For",
            converter = ForwardingHeaderConverter.class,
            description = "The one header the trusted proxies append the client's address to:"
                    + " X-Forwarded-For or Forwarded (default: ${DEFAULT-VALUE}). The other is ignored,"
                    + " since a client could have sent it.")
    private ForwardingHeader proxyHeader;

    public AddressServiceCommand() {
        super(DEFAULT_PORT);
    }

    @Override
    protected AddressServer newServer(Listen listen) {
        return new AddressServer(listen, trustedProxies, proxyHeader);
    }

    @Override
    protected void started(AddressServer server) {
        if (!trustedProxies.isEmpty()) {
            LOG.info(() -> "honouring " + proxyHeader + " from trusted proxies " + trustedProxies);
        }
    }
}
