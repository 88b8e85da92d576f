package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.browsersocket.runtime.testing.RuntimeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM is the runtime's normal way to stop ({@code Main}: "runs the host runtime until SIGTERM
 * or Ctrl-C"), so a stop by SIGTERM exits with status 0.
 */
class ShutdownExitStatusTest {
    @Test
    void sigtermStopsTheRuntimeWithExitStatusZero(@TempDir Path configDir) throws Exception {
        try (RuntimeProcess runtime = RuntimeProcess.start(configDir, RuntimeFixture.ORIGIN)) {
            runtime.terminate(); // SIGTERM
            Integer exit = runtime.awaitExit(10);
            assertNotNull(exit, "the runtime exits within 10 s of SIGTERM");
            assertTrue(runtime.output().contains("host-runtime: stopped"), "it stopped through its shutdown hook: " + runtime.output());
            assertEquals(0, exit, "exit status after SIGTERM; the runtime printed " + runtime.output());
        }
    }
}
