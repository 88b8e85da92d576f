package org.browsersocket.discovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.testing.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** discovery-service's own command line; what every service shares is tested in service-process. */
class DiscoveryServiceCommandTest {

    @Test
    void theStoreDefaultsToTheEmbeddedOne() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("discovery-data");
        boolean existed = java.nio.file.Files.exists(dir);
        try (CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "--port=0")) {
            run.assertRunning();
            assertEquals(StoreLocation.parse("embedded:./discovery-data"), run.server().store());
        } finally {
            if (!existed) { // leave the module directory as it was
                try (var files = java.nio.file.Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void startsAsDiscoveryServiceWithTheStoreAskedFor(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
        DiscoveryServiceCommand command = new DiscoveryServiceCommand();
        try (CommandRun<DiscoveryServer> run = CommandRun.of(command, "--port", "0",
                "--store", "embedded:" + data.resolve("store"))) {
            assertEquals(0, run.exitCode(), run.err());
            assertEquals("embedded:" + data.resolve("store"), run.server().store().toString());
            assertEquals(2, run.out().lines().filter(l -> l.startsWith("discovery-service listening on http://")).count(),
                    run.out());
        }
    }

    @Test
    void aBusyPortIsNamedOnOneLineAndLeavesNoStoreBehind(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
            throws java.io.IOException {
        java.nio.file.Path store = data.resolve("store");
        try (java.net.ServerSocket occupier = new java.net.ServerSocket(0);
             CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(),
                     "--port", String.valueOf(occupier.getLocalPort()), "--store", "embedded:" + store)) {
            run.assertFailedWithOneLine("discovery-service");
            assertEquals(1, run.exitCode());
            assertTrue(run.err().startsWith("discovery-service: cannot listen on port " + occupier.getLocalPort() + ": "),
                    run.err());
            assertTrue(java.nio.file.Files.notExists(store), "the store was created: " + store);
        }
    }

    @Test
    void anUnreachableRedisIsReportedOnOneLine() {
        try (CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "--port", "0",
                "--store", "redis://127.0.0.1:1")) {
            run.assertFailedWithOneLine("discovery-service");
            assertTrue(run.err().contains("cannot reach Redis at redis://127.0.0.1:1"), run.err());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "embedded:", "redis://localhost", "redis://:6379", "redis://h:6379/0",
                            "redis://user:pw@h:6379", "rediss://h:6379", "mongodb://h:27017",
                            "./discovery-data", "memory"})
    void anUnknownStoreIsRejectedOnOneLine(String store) {
        try (CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(),
                "--port=0", "--store", store)) {
            run.assertFailedWithOneLine("discovery-service");
            assertTrue(run.err().contains("Invalid value for option '--store'"), run.err());
        }
    }

    @Test
    void addressServiceFlagsAreUnknownHere() {
        CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(),
                "--trusted-proxy", "10.0.0.0/8");
        run.assertFailedWithOneLine("discovery-service");
        assertEquals("discovery-service: Unknown options: '--trusted-proxy', '10.0.0.0/8' (see --help)",
                run.err().strip());
    }

    @Test
    void helpListsTheStoreWithItsDefaultAfterPort7060() {
        CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "-h");
        String help = run.outUnwrapped();
        assertEquals(0, run.exitCode());
        assertTrue(help.startsWith("Usage: discovery-service [-hV] "), help);
        for (String option : new String[] {"[--port=PORT]", "[--store=STORE]", "[--bind=ADDRESS]...",
                "[--writes-per-second=N]", "[--puts-per-name-per-minute=N]", "[--max-stored-bytes=SIZE]"}) {
            assertTrue(help.contains(option), option + " in " + help);
        }
        assertTrue(help.contains("(default: 10)") && help.contains("(default: 1g)"), help);
        assertTrue(help.contains("OpenLookup-like store of peer advertisements"), help);
        assertTrue(help.contains("(default: 7060;"), help);
        // The help wraps the default's path anywhere; theStoreDefaultsToTheEmbeddedOne checks it.
        assertTrue(help.contains("--store=STORE embedded:DIR or redis://host:port (default: embedded:"),
                help);
    }

    @Test
    void theLimitsAreTakenFromTheirFlags(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
        try (CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "--port=0",
                "--store", "embedded:" + data, "--writes-per-second=7", "--puts-per-name-per-minute=3",
                "--max-stored-bytes=512m", "--bind=127.0.0.1")) {
            run.assertRunning();
            DiscoveryLimits limits = run.server().limits();
            assertEquals(7, limits.writesPerSecond());
            assertEquals(3, limits.putsPerNamePerMinute());
            assertEquals(512L << 20, limits.maxStoredBytes());
            assertEquals(List.of("discovery-service listening on http://127.0.0.1:" + run.server().port() + " (IPv4)"),
                    run.out().lines().toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--max-stored-bytes=lots", "--max-stored-bytes=-1", "--max-stored-bytes=99999999999t",
                            "--writes-per-second=0", "--puts-per-name-per-minute=-2"})
    void aBadLimitIsRejectedOnOneLine(String flag, @org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
        try (CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "--port=0",
                "--store", "embedded:" + data, flag)) {
            run.assertFailedWithOneLine("discovery-service");
            assertEquals(2, run.exitCode(), "a bad flag is bad usage");
        }
    }

    @Test
    void versionIsDiscoveryServices() {
        CommandRun<DiscoveryServer> run = CommandRun.of(new DiscoveryServiceCommand(), "-V");
        assertTrue(run.out().startsWith("BrowserSocket discovery-service "), run.out());
    }
}
