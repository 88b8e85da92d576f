package org.browsersocket.address;

import org.browsersocket.address.cli.AddressServiceCommand;
import org.browsersocket.service.cli.ServiceProcess;

/**
 * Entry point of {@code address-service.jar}: exits non-zero on a bad command line or a port that
 * cannot be bound; otherwise the server runs until SIGTERM (see {@link ServiceProcess}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceProcess.main(new AddressServiceCommand(), args);
    }
}
