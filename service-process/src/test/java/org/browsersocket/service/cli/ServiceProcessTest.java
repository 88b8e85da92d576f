package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.browsersocket.service.http.ServiceServer;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void theShutdownHookStopsTheServerAndSaysSoOnOneLine() throws Exception {
        ServiceServer server = new ServiceServer("test-service", 0);
        server.start();
        int port = server.port();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Thread hook = ServiceProcess.shutdownHook(server,
                new PrintStream(out, false, StandardCharsets.UTF_8));
        hook.run(); // what the JVM does on SIGTERM, without the JVM exiting

        assertEquals("test-service-shutdown", hook.getName());
        assertEquals("test-service stopped" + System.lineSeparator(),
                out.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalStateException.class, server::port);
        try (ServerSocket rebind = new ServerSocket(port)) {
            assertEquals(port, rebind.getLocalPort());
        }
    }
}
