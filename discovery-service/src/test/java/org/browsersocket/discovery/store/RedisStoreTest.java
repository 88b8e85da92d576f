package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * The contract on a real redis-server started for this class (emptied before each test), plus
 * what sharing one Redis between service instances means.
 */
class RedisStoreTest extends ValueStoreContract {
    @TempDir
    static Path logs;
    static RedisServer server;
    static JedisPooled client;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start(logs);
        client = server.client();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    void clearData() {
        client.flushAll();
    }

    @Override
    ValueStore open(Duration purgeInterval) {
        return RedisStore.open(server.location(), purgeInterval);
    }

    @Override
    boolean holdsRecord(byte[] key, byte[] valueHash) {
        return client.hexists("bsd:v:" + Bytes.hex(key), Bytes.hex(valueHash));
    }

    @Test
    void twoInstancesSeeEachOthersPutsAndRemovalsAtOnce() {
        ValueStore a = store;
        ValueStore b = opened(Duration.ofHours(1));
        byte[] key = key("shared");

        put(a, key, bytes("from a"), NOW + HOUR, Bytes.sha1(bytes("a's secret")));
        put(b, key, bytes("from b"), NOW + HOUR, Bytes.sha1(bytes("b's secret")));
        assertEquals(2, a.count(key, NOW));
        assertEquals(2, b.get(key, 10, NO_PLACEMARK, NOW).values().size());

        assertTrue(a.remove(key, Bytes.sha1(bytes("from b")), bytes("b's secret")));
        assertArrayEquals(bytes("from a"), only(b.get(key, 10, NO_PLACEMARK, NOW)).value());
        assertFalse(b.remove(key, Bytes.sha1(bytes("from b")), bytes("b's secret")), "a already removed it");

        put(a, key, bytes("from a"), NOW + 2 * HOUR, null);
        assertEquals(NOW + 2 * HOUR, only(b.get(key, 10, NO_PLACEMARK, NOW)).expiresAtMillis());
        assertTrue(putSigned(b, signed(principal("erin"), "l", "by b", 3)));
        assertFalse(putSigned(a, signed(principal("erin"), "l", "by a", 3)));
        assertEquals("by b", valueOf(only(a.findSigned("", "l", 10))));
    }

    @Test
    void aPlacemarkFromOneInstanceContinuesOnAnother() {
        ValueStore other = opened(Duration.ofHours(1));
        byte[] key = key("k");
        for (int i = 0; i < 15; i++) {
            put(store, key, bytes("value " + i), NOW + HOUR, null);
        }
        Page first = store.get(key, 10, NO_PLACEMARK, NOW);
        Page rest = other.get(key, 10, first.placemark(), NOW);
        assertEquals(5, rest.values().size());
        assertFalse(rest.hasMore());
    }

    @Test
    void everyKeyItWritesStartsWithBsd() {
        put(store, key("k"), bytes("v"), NOW + HOUR, null);
        putSigned(store, signed(principal("frank"), "l", "v", 1));
        Set<String> keys = client.keys("*");
        assertEquals(7, keys.size(), keys.toString());
        assertTrue(keys.stream().allMatch(k -> k.startsWith(RedisStore.PREFIX)), keys.toString());
    }

    @Test
    void purgingLeavesNoEmptyKeysBehind() {
        put(store, key("k"), bytes("v"), NOW + 1000, Bytes.sha1(bytes("s")));
        put(store, key("j"), bytes("w"), NOW + HOUR, Bytes.sha1(bytes("s")));
        assertEquals(1, store.purgeExpired(NOW + 1000));
        assertTrue(store.remove(key("j"), Bytes.sha1(bytes("w")), bytes("s")));
        assertEquals(Set.of(), client.keys("*"), "Redis deletes emptied hashes and sets");
    }

    @Test
    void aRedisThatDoesNotAnswerIsAClearErrorAtOpen() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        StoreException e = assertThrows(StoreException.class,
                () -> RedisStore.open(new StoreLocation.Redis("127.0.0.1", closedPort)));
        assertTrue(e.getMessage().startsWith("cannot reach Redis at redis://127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    void scriptsAreResentAfterRedisForgetsThem() {
        put(store, key("k"), bytes("v"), NOW + HOUR, null);
        client.scriptFlush();
        put(store, key("k"), bytes("w"), NOW + HOUR, null);
        assertEquals(2, store.count(key("k"), NOW));
    }
}
