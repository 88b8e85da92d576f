package org.browsersocket.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadGeneratorCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return LoadGenerator.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        for (String expected : new String[] {"--url", "--connections", "Default: 10", "--size", "Default: 64", "--binary",
                "--text", "--rate", "Default: 0", "--warmup", "Default: 2s", "--duration", "Default: 10s", "--idle"}) {
            assertTrue(help.contains(expected), "help lacks " + expected + ":\n" + help);
        }
    }

    @Test
    void aRunPrintsThroughputLatencyPercentilesAndConnectStatistics() throws Exception {
        try (TestEchoServer server = new TestEchoServer().start()) {
            int code = run("--url", server.uri().toString(), "--connections", "2", "--warmup", "0s", "--duration", "500ms");
            String printed = out.toString();
            assertEquals(0, code, printed + err);
            for (String expected : new String[] {"msg/s", "MB/s", "p50", "p90", "p99", "p99.9", "max", "2 opened, 0 failed",
                    "0 unanswered, 0 mismatched, 0 connections lost"}) {
                assertTrue(printed.contains(expected), "output lacks " + expected + ":\n" + printed);
            }
        }
    }

    @Test
    void idleWithZeroDurationOnlyOpensConnections() throws Exception {
        try (TestEchoServer server = new TestEchoServer().start()) {
            int code = run("--url", server.uri().toString(), "--idle", "20", "--duration", "0");
            assertEquals(0, code, out.toString() + err);
            assertTrue(out.toString().contains("20 of 20 open, 0 failed"), out.toString());
            assertTrue(!out.toString().contains("msg/s"), out.toString());
        }
    }

    @Test
    void aServerThatIsDownIsReportedInOneLineWithExitCodeOne() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(1, run("--url", "ws://127.0.0.1:" + port + "/", "--duration", "1s"));
        assertTrue(err.toString().startsWith("error: none of 10 connections"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void aMissingUrlIsAUsageError() {
        assertEquals(2, run("--connections", "1"));
        assertTrue(err.toString().contains("--url"), err.toString());
    }

    @Test
    void durationsAcceptUnitsPlainSecondsAndIso8601() {
        var converter = new LoadGeneratorCommand.DurationConverter();
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(2), converter.convert("2s"));
        assertEquals(Duration.ofSeconds(90), converter.convert("1.5m"));
        assertEquals(Duration.ofSeconds(7), converter.convert("7"));
        assertEquals(Duration.ofSeconds(3), converter.convert("PT3S"));
    }
}
