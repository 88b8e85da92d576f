package org.browsersocket.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.browsersocket.discovery.http.DiscoveryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    /** Runs Main in-process; a server that starts is captured and stopped. */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicReference<DiscoveryServer> started = new AtomicReference<>();
        final int exitCode;

        Run(String... args) {
            exitCode = Main.run(args, print(out), print(err), started::set);
        }

        private static PrintStream print(ByteArrayOutputStream bytes) {
            return new PrintStream(bytes, true, StandardCharsets.UTF_8);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        void assertFailedWithOneLine() {
            assertNotEquals(0, exitCode);
            assertEquals(null, started.get(), "no server may be left running");
            List<String> lines = err().lines().toList();
            assertEquals(1, lines.size(), () -> "expected one line, got: " + err());
            assertTrue(lines.get(0).startsWith("discovery-service: "), lines.get(0));
            assertEquals("", out());
        }
    }

    @Test
    void helpExitsZeroAndListsTheFlags() {
        Run run = new Run("--help");
        assertEquals(0, run.exitCode);
        assertTrue(run.out().contains("--port"), run.out());
        assertTrue(run.out().contains("--store"), run.out());
        assertEquals(null, run.started.get());
    }

    @Test
    void versionExitsZero() {
        Run run = new Run("--version");
        assertEquals(0, run.exitCode);
        assertTrue(run.out().startsWith("discovery-service "), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--port=seven", "--port=-1", "--port=65536", "extra-argument"})
    void aBadFlagIsRejectedOnOneLine(String arg) {
        new Run(arg).assertFailedWithOneLine();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "embedded:", "redis://localhost", "redis://:6379", "redis://h:6379/0",
                            "redis://user:pw@h:6379", "rediss://h:6379", "mongodb://h:27017",
                            "./discovery-data", "memory"})
    void anUnknownStoreIsRejectedOnOneLine(String store) {
        Run run = new Run("--port=0", "--store", store);
        run.assertFailedWithOneLine();
        assertTrue(run.err().contains("--store"), run.err());
    }

    @Test
    void aBusyPortIsReportedOnOneLine() throws Exception {
        try (ServerSocket occupier = new ServerSocket(0)) {
            int port = occupier.getLocalPort();
            Run run = new Run("--port", String.valueOf(port));
            run.assertFailedWithOneLine();
            assertEquals(2, run.exitCode);
            assertTrue(run.err().startsWith("discovery-service: cannot listen on port " + port + ": "),
                    run.err());
        }
    }

    @Test
    void startUpPrintsOneLinePerBoundAddressWithTheChosenPort() {
        Run run = new Run("--port", "0", "--store", "redis://[::1]:6379");
        DiscoveryServer server = run.started.get();
        try {
            assertEquals(0, run.exitCode, run.err());
            int port = server.port();
            assertTrue(port > 0);
            assertEquals(List.of(
                    "discovery-service listening on http://0.0.0.0:" + port + " (IPv4)",
                    "discovery-service listening on http://[::]:" + port + " (IPv6)"),
                    run.out().lines().toList());
            assertEquals("redis://[::1]:6379", server.store().toString());
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }
}
