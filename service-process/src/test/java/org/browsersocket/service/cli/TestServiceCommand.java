package org.browsersocket.service.cli;

import java.util.ArrayList;
import java.util.List;

import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServiceServer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A minimal service command line, as a service would declare it. */
@Command(name = TestServiceCommand.NAME, description = "A service for testing the shared parts.")
final class TestServiceCommand extends ServiceCommand<ServiceServer> {

    static final String NAME = "test-service";
    /** Shown in the help and passed to {@link #newServer}; never bound by these tests. */
    static final int DEFAULT_PORT = 7099;

    @Option(names = "--flavour", paramLabel = "FLAVOUR", description = "The service's own flag.")
    private String flavour = "plain";

    @Option(names = "--fail-with", paramLabel = "MESSAGE",
            description = "Throw this from newServer, as a broken service would.")
    private String failure;

    /** The port each newServer call was asked for. */
    final List<Integer> portsAskedFor = new ArrayList<>();
    /** What each newServer call was asked for. */
    final List<Listen> listensAskedFor = new ArrayList<>();
    /** What started(...) saw, one entry per call. */
    final List<String> startedCalls = new ArrayList<>();
    /** Listen on the port asked for (true) or on any free port, to test the default port. */
    private final boolean bindThePortAskedFor;

    TestServiceCommand() {
        this(true);
    }

    TestServiceCommand(boolean bindThePortAskedFor) {
        super(DEFAULT_PORT);
        this.bindThePortAskedFor = bindThePortAskedFor;
    }

    @Override
    protected ServiceServer newServer(Listen listen) {
        portsAskedFor.add(listen.port());
        listensAskedFor.add(listen);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return new ServiceServer(NAME, bindThePortAskedFor ? listen : new Listen(listen.addresses(), 0, listen.limits()));
    }

    @Override
    protected void started(ServiceServer server) {
        startedCalls.add(flavour + " on port " + server.port());
    }
}
