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
            ServiceCommand.HEALTHZ_ONLY
        })
public final class AddressServiceCommand extends ServiceCommand<AddressServer> {

    /** The port used when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 7050;

    private static final Logger LOG = Logger.getLogger(AddressServiceCommand.class.getName());

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            converter = TrustedProxyConverter.class,
            description = "A proxy whose X-Forwarded-For/Forwarded headers may be honoured,"
                    + " e.g. 10.0.0.0/8 or 2001:db8::/32; repeatable. Validated and kept, but"
                    + " not used yet: this version ignores forwarding headers from everyone.")
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
            LOG.info(() -> "trusted proxies " + trustedProxies
                    + " recorded; forwarding headers are not honoured yet in this version");
        }
    }
}
