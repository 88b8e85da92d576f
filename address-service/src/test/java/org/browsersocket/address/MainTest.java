package org.browsersocket.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.browsersocket.address.http.AddressServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    /** Runs Main in-process; a server that starts is captured and stopped. */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicReference<AddressServer> started = new AtomicReference<>();
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
            assertTrue(lines.get(0).startsWith("address-service: "), lines.get(0));
            assertEquals("", out());
        }
    }

    @Test
    void helpExitsZeroAndListsTheFlags() {
        Run run = new Run("--help");
        assertEquals(0, run.exitCode);
        assertTrue(run.out().contains("--port"), run.out());
        assertTrue(run.out().contains("--trusted-proxy"), run.out());
        assertEquals(null, run.started.get());
    }

    @Test
    void versionExitsZero() {
        Run run = new Run("--version");
        assertEquals(0, run.exitCode);
        assertTrue(run.out().startsWith("address-service "), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--port=seven", "--port=-1", "--port=65536", "extra-argument"})
    void aBadFlagIsRejectedOnOneLine(String arg) {
        new Run(arg).assertFailedWithOneLine();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "not-an-address", "10.1.2.3/8", "10.0.0.*", "", "2001:db8::/129"})
    void aMalformedTrustedProxyIsRejectedOnOneLine(String cidr) {
        Run run = new Run("--port=0", "--trusted-proxy", cidr);
        run.assertFailedWithOneLine();
        assertTrue(run.err().contains("--trusted-proxy"), run.err());
    }

    @Test
    void aBusyPortIsReportedOnOneLine() throws Exception {
        try (ServerSocket occupier = new ServerSocket(0)) {
            int port = occupier.getLocalPort();
            Run run = new Run("--port", String.valueOf(port));
            run.assertFailedWithOneLine();
            assertEquals(2, run.exitCode);
            assertTrue(run.err().startsWith("address-service: cannot listen on port " + port + ": "),
                    run.err());
        }
    }

    @Test
    void startUpPrintsOneLinePerBoundAddressWithTheChosenPort() {
        Run run = new Run("--port", "0", "--trusted-proxy", "10.0.0.0/8",
                "--trusted-proxy", "2001:db8::/32");
        AddressServer server = run.started.get();
        try {
            assertEquals(0, run.exitCode, run.err());
            int port = server.port();
            assertTrue(port > 0);
            assertEquals(List.of(
                    "address-service listening on http://0.0.0.0:" + port + " (IPv4)",
                    "address-service listening on http://[::]:" + port + " (IPv6)"),
                    run.out().lines().toList());
            assertEquals("[10.0.0.0/8, 2001:db8::/32]", server.trustedProxies().toString());
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }
}
