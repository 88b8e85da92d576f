package org.browsersocket.service.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.browsersocket.service.cli.ServiceCommand;
import org.browsersocket.service.http.ServiceServer;

/**
 * Runs a service's command line in-process and captures what it prints. A server that starts
 * is kept for the test; {@link #close()} stops it.
 *
 * @param <S> the service's server
 */
public final class CommandRun<S extends ServiceServer> implements AutoCloseable {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<S> started = new AtomicReference<>();
    private final int exitCode;

    private CommandRun(ServiceCommand<S> command, String[] args) {
        exitCode = command.execute(args, print(out), print(err), started::set);
    }

    /** Runs {@code command} with {@code args}. */
    public static <S extends ServiceServer> CommandRun<S> of(ServiceCommand<S> command,
                                                              String... args) {
        return new CommandRun<>(command, args);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    /** The exit code the command returned. */
    public int exitCode() {
        return exitCode;
    }

    /** Everything printed on standard output. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Standard output with line breaks and indentation folded into single spaces, so that
     * wrapped help text can be searched.
     */
    public String outUnwrapped() {
        return out().strip().replaceAll("\\s+", " ");
    }

    /** Everything printed on standard error. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The server the command started; fails the test when none was started. */
    public S server() {
        S server = started.get();
        assertNotNull(server, () -> "no server was started; exit code " + exitCode + ", err: "
                + err());
        return server;
    }

    /** Asserts success: exit code 0, a running server, nothing on standard error. */
    public void assertRunning() {
        assertEquals(0, exitCode, this::err);
        assertTrue(server().port() > 0);
        assertEquals("", err());
    }

    /**
     * Asserts failure as every service reports it: a non-zero exit code, no server left running,
     * nothing on standard output and exactly one line on standard error, {@code name: reason}.
     */
    public void assertFailedWithOneLine(String name) {
        assertNotEquals(0, exitCode);
        assertNull(started.get(), "no server may be left running");
        List<String> lines = err().lines().toList();
        assertEquals(1, lines.size(), () -> "expected one line, got: " + err());
        assertTrue(lines.get(0).startsWith(name + ": "), lines.get(0));
        assertEquals("", out());
    }

    /** Stops the server if one was started. */
    @Override
    public void close() {
        S server = started.get();
        if (server != null) {
            server.stop();
        }
    }
}
