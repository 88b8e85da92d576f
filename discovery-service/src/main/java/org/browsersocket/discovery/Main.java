package org.browsersocket.discovery;

import org.browsersocket.discovery.cli.DiscoveryServiceCommand;
import org.browsersocket.service.cli.ServiceProcess;

/**
 * Entry point of {@code discovery-service.jar}: exits non-zero on a bad command line or a port
 * that cannot be bound; otherwise the server runs until SIGTERM (see {@link ServiceProcess}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceProcess.main(new DiscoveryServiceCommand(), args);
    }
}
