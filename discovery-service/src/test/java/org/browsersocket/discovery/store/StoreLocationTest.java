package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreLocationTest {

    @Test
    void theDefaultIsAnEmbeddedStoreInDiscoveryData() {
        assertEquals(new StoreLocation.Embedded(Path.of("./discovery-data")),
                StoreLocation.parse(StoreLocation.DEFAULT));
    }

    @Test
    void embeddedNamesADirectory() {
        assertEquals(new StoreLocation.Embedded(Path.of("/var/lib/discovery")),
                StoreLocation.parse("embedded:/var/lib/discovery"));
    }

    @Test
    void parsingTouchesNoDisk() {
        Path directory = Path.of("target", "never-created-" + System.nanoTime());
        StoreLocation.parse("embedded:" + directory);
        assertFalse(Files.exists(directory));
    }

    @Test
    void redisNamesHostAndPort() {
        assertEquals(new StoreLocation.Redis("cache.example", 6379),
                StoreLocation.parse("redis://cache.example:6379"));
        assertEquals(new StoreLocation.Redis("127.0.0.1", 6380),
                StoreLocation.parse("redis://127.0.0.1:6380"));
    }

    @Test
    void redisAcceptsAnIpv6LiteralAndPrintsItBack() {
        StoreLocation store = StoreLocation.parse("redis://[::1]:6379");
        assertEquals(new StoreLocation.Redis("::1", 6379), store);
        assertEquals("redis://[::1]:6379", store.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "embedded:", "embedded: ", "embedded:bad\u0000dir", "redis://", "redis://h",
                            "redis://h:0", "redis://h:65536", "redis://h:port", "redis://:6379",
                            "redis://h:6379/", "redis://h:6379/0", "redis://h:6379?db=1",
                            "redis://user:pw@h:6379", "REDIS://h:6379", "rediss://h:6379",
                            "file:/tmp", "./discovery-data", "memory"})
    void anythingElseIsRejectedWithAOneLineReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreLocation.parse(text));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
