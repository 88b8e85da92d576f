package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.browsersocket.runtime.extension.NativeHostFile;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.browsersocket.runtime.testing.RuntimeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime as a process ({@code java ... org.browsersocket.runtime.Main}): SIGTERM, what
 * {@code make run}'s Ctrl-C and service managers send, stops it cleanly.
 * (The exit status after SIGTERM: {@link ShutdownExitStatusTest}.)
 */
class ShutdownTest {
    @Test
    void sigtermClosesLivePeersWith1001AndTheProcessStopsWithin10Seconds(@TempDir Path configDir) throws Exception {
        try (RuntimeProcess runtime = RuntimeProcess.start(configDir, RuntimeFixture.ORIGIN)) {
            JavaPage page = JavaPage.open(runtime.controlUrl(), RuntimeFixture.ORIGIN).echoing();
            String url = page.listen();
            assertTrue(url.startsWith("ws://127.0.0.1:" + runtime.publicPort() + "/"), url);
            JavaPeer a = JavaPeer.connect(url + "a").awaitOpen();
            JavaPeer b = JavaPeer.connect(url + "b").awaitOpen();
            a.send("alive");
            assertEquals("alive", a.nextText());
            assertTrue(Files.exists(configDir.resolve(NativeHostFile.FILE_NAME)), "the runtime announced itself to the extension");

            runtime.terminate(); // SIGTERM
            assertEquals(1001, a.awaitClose().code());
            assertEquals(1001, b.awaitClose().code());
            Integer exit = runtime.awaitExit(10);
            assertNotNull(exit, "the runtime exits within 10 s of SIGTERM");
            assertTrue(runtime.output().contains("host-runtime: stopped"), runtime.output().toString());
            assertTrue(Files.notExists(configDir.resolve(NativeHostFile.FILE_NAME)), "and withdrew that announcement");
            page.closedFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
