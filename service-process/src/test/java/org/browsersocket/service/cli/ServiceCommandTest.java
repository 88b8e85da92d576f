package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;

import org.browsersocket.service.http.BindAddress;
import org.browsersocket.service.http.ServiceServer;
import org.browsersocket.service.testing.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceCommandTest {

    private static final String NAME = TestServiceCommand.NAME;

    private static CommandRun<ServiceServer> run(String... args) {
        return CommandRun.of(new TestServiceCommand(), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpExitsZeroAndListsPortThenTheServiceFlagsThenHelpAndVersion(String flag) {
        try (CommandRun<ServiceServer> run = run(flag)) {
            assertEquals(0, run.exitCode());
            String help = run.out();
            assertTrue(help.startsWith("Usage: test-service [-hV] "), help);
            assertTrue(help.contains("A service for testing the shared parts."), help);
            List<String> options = help.lines().map(String::strip)
                    .filter(line -> line.startsWith("-"))
                    .map(line -> line.split("\\s{2,}")[0])
                    .toList();
            assertEquals(List.of("--port=PORT", "--bind=ADDRESS", "--flavour=FLAVOUR", "--fail-with=MESSAGE",
                    "-h, --help", "-V, --version"), options);
            assertEquals("", run.err());
        }
    }

    @Test
    void helpShowsTheServicesDefaultPort() {
        try (CommandRun<ServiceServer> run = run("--help")) {
            assertTrue(run.outUnwrapped().contains("TCP port to listen on, IPv4 and IPv6 (default: "
                    + TestServiceCommand.DEFAULT_PORT + "; 0 = any free port, the chosen one is printed)."),
                    run.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionExitsZeroAndNamesTheCommand(String flag) {
        try (CommandRun<ServiceServer> run = run(flag)) {
            assertEquals(0, run.exitCode());
            assertEquals(List.of(org.browsersocket.cli.ReleaseVersion.of(NAME)), run.out().lines().toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--port=seven", "--port=-1", "--port=65536", "--port=",
                            "extra-argument", "--flavour"})
    void aBadCommandLineIsRejectedOnOneLineWithExitCode2(String arg) {
        try (CommandRun<ServiceServer> run = run(arg)) {
            run.assertFailedWithOneLine(NAME);
            assertEquals(2, run.exitCode());
            assertTrue(run.err().strip().endsWith(" (see --help)"), run.err());
        }
    }

    @Test
    void anOutOfRangePortSaysWhatAPortIs() {
        try (CommandRun<ServiceServer> run = run("--port", "70000")) {
            assertEquals("test-service: Invalid value for option '--port': 70000 is not a port"
                    + " number (0-65535, 0 = any free port) (see --help)", run.err().strip());
        }
    }

    @Test
    void aBusyPortIsReportedOnOneLineWithExitCode1() throws Exception {
        try (ServerSocket occupier = new ServerSocket(0);
             CommandRun<ServiceServer> run = run("--port", String.valueOf(occupier.getLocalPort()))) {
            run.assertFailedWithOneLine(NAME);
            assertEquals(ServiceCommand.EXIT_CANNOT_LISTEN, run.exitCode());
            assertTrue(run.err().startsWith(
                    "test-service: cannot listen on port " + occupier.getLocalPort() + ": "),
                    run.err());
        }
    }

    @Test
    void aFailureWhileStartingIsReportedOnOneLineWithExitCode1() {
        try (CommandRun<ServiceServer> run = run("--port=0", "--fail-with", "first line\n  second line")) {
            run.assertFailedWithOneLine(NAME);
            assertEquals(1, run.exitCode());
            assertEquals("test-service: java.lang.IllegalStateException: first line second line",
                    run.err().strip());
        }
    }

    @Test
    void startUpPrintsOneLinePerBoundAddressWithTheChosenPort() {
        try (CommandRun<ServiceServer> run = run("--port", "0")) {
            run.assertRunning();
            int port = run.server().port();
            assertEquals(List.of(
                    "test-service listening on http://0.0.0.0:" + port + " (IPv4)",
                    "test-service listening on http://[::]:" + port + " (IPv6)"),
                    run.out().lines().toList());
        }
    }

    @Test
    void bindListensOnTheAddressesGivenAndPrintsEach() {
        try (CommandRun<ServiceServer> run = run("--port=0", "--bind", "127.0.0.1", "--bind=::1")) {
            run.assertRunning();
            int port = run.server().port();
            assertEquals(List.of(
                    "test-service listening on http://127.0.0.1:" + port + " (IPv4)",
                    "test-service listening on http://[::1]:" + port + " (IPv6)"),
                    run.out().lines().toList());
        }
    }

    @Test
    void withoutBindEveryAddressIsAskedFor() {
        TestServiceCommand command = new TestServiceCommand();
        try (CommandRun<ServiceServer> run = CommandRun.of(command, "--port=0")) {
            run.assertRunning();
            assertEquals(List.of(BindAddress.ANY), command.listensAskedFor.get(0).addresses());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org", "10.0.0.0/8", "", "127.0.0.1:80"})
    void aBindThatIsNotAnIpAddressIsRejectedOnOneLine(String address) {
        try (CommandRun<ServiceServer> run = run("--port=0", "--bind", address)) {
            run.assertFailedWithOneLine(NAME);
            assertTrue(run.err().contains("Invalid value for option '--bind' (ADDRESS): '" + address + "' is not an IP address"),
                    run.err());
        }
    }

    @Test
    void anAddressThisMachineDoesNotHaveIsReportedOnOneLineWithExitCode1() {
        try (CommandRun<ServiceServer> run = run("--port=0", "--bind", "192.0.2.1")) {
            run.assertFailedWithOneLine(NAME);
            assertEquals(ServiceCommand.EXIT_CANNOT_LISTEN, run.exitCode());
        }
    }

    @Test
    void withoutPortTheServicesDefaultPortIsAskedFor() {
        TestServiceCommand command = new TestServiceCommand(false);
        try (CommandRun<ServiceServer> run = CommandRun.of(command)) {
            run.assertRunning();
            assertEquals(List.of(TestServiceCommand.DEFAULT_PORT), command.portsAskedFor);
        }
    }

    @Test
    void theServiceHearsOfTheStartOnceWithItsOwnFlagsAndAListeningServer() {
        TestServiceCommand command = new TestServiceCommand();
        try (CommandRun<ServiceServer> run = CommandRun.of(command, "--port=0", "--flavour=salty")) {
            run.assertRunning();
            assertEquals(List.of("salty on port " + run.server().port()), command.startedCalls);
        }
    }

    @Test
    void nothingIsStartedForHelpOrABadCommandLine() {
        TestServiceCommand help = new TestServiceCommand();
        TestServiceCommand bad = new TestServiceCommand();
        try (CommandRun<ServiceServer> helpRun = CommandRun.of(help, "--help", "--port=0");
             CommandRun<ServiceServer> badRun = CommandRun.of(bad, "--port=0", "--bogus")) {
            assertEquals(List.of(), help.portsAskedFor);
            assertEquals(List.of(), bad.portsAskedFor);
            assertEquals(List.of(), bad.startedCalls);
        }
    }

    @Test
    void aCommandInstanceRunsOnlyOnce() {
        TestServiceCommand command = new TestServiceCommand();
        try (CommandRun<ServiceServer> first = CommandRun.of(command, "--help")) {
            assertEquals(0, first.exitCode());
            assertThrows(IllegalStateException.class, () -> CommandRun.of(command, "--help"));
        }
    }
}
