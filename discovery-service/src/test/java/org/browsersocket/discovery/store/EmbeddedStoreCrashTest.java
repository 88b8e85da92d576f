package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged put survives {@code kill -9}: a child JVM puts values and acknowledges each one
 * as its put returns; after N acknowledgements it is killed with SIGKILL (mid-put, as it never
 * stops putting), and every acknowledged value must be in the reopened store with its expiry.
 */
class EmbeddedStoreCrashTest {
    static final int N = 200;

    @TempDir
    Path temp;

    @Test
    @Timeout(120)
    void everyAcknowledgedPutSurvivesKillMinus9() throws Exception {
        Path directory = temp.resolve("data");
        Path childErrors = temp.resolve("child.err");
        long base = System.currentTimeMillis() + 3_600_000;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingPutter.class.getName(), directory.toString(), Long.toString(base))
                .redirectError(childErrors.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < N; i++) {
                String line = out.readLine();
                assertNotNull(line, "the child stopped after " + i + " acks: " + read(childErrors));
                assertEquals("acked " + i, line);
            }
            // Process.destroyForcibly is SIGKILL on Linux: no shutdown hooks, no closing of the store.
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(128 + 9, child.exitValue(), "killed by signal 9 (SIGKILL)");

        long now = System.currentTimeMillis();
        try (ValueStore store = EmbeddedStore.open(new StoreLocation.Embedded(directory))) {
            List<StoredValue> all = new ArrayList<>();
            byte[] placemark = new byte[0];
            do {
                Page page = store.get(CrashingPutter.KEY, Limits.MAX_VALUES_PER_GET, placemark, now);
                all.addAll(page.values());
                placemark = page.placemark();
            } while (placemark.length > 0);
            assertTrue(all.size() >= N, "only " + all.size() + " of " + N + " acknowledged values survived");
            for (int i = 0; i < N; i++) {
                byte[] value = CrashingPutter.value(i);
                StoredValue stored = all.stream().filter(v -> Arrays.equals(v.value(), value)).findFirst()
                        .orElseThrow(() -> new AssertionError("lost acknowledged value " + new String(value, StandardCharsets.UTF_8)));
                assertEquals(CrashingPutter.expiresAt(base, i), stored.expiresAtMillis());
                assertArrayEquals(CrashingPutter.secretHash(i), stored.secretHash());
                assertEquals(3600 + i, stored.ttlRemaining(base - 3_600_000), "its TTL");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(no stderr: " + e + ")";
        }
    }
}
