package org.browsersocket.runtime.relay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay cache's disk store: what it keeps, what it evicts first, and what a restart finds. */
class CacheStoreTest {
    private static final String P = "/" + "P".repeat(22) + "/";
    private static final String Q = "/" + "Q".repeat(22) + "/";
    private static final HttpHeaders NO_FIELDS = new DefaultHttpHeaders();

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

    private CacheStore open(long perOwner, long total, long entry) throws Exception {
        return CacheStore.open(dir, perOwner, total, entry, clock::get);
    }

    private static StoredResponse put(CacheStore store, String key, String prefix, String body, List<Variant> variants) {
        CacheStore.Writer writer = store.begin(key, prefix, variants);
        assertNotNull(writer);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int half = bytes.length / 2;
        assertTrue(writer.write(Unpooled.wrappedBuffer(bytes, 0, half)));
        assertTrue(writer.write(Unpooled.wrappedBuffer(bytes, half, bytes.length - half)));
        return writer.commit(200, List.of(List.of("Content-Type", "text/plain")), 1, 2, false);
    }

    private static String body(CacheStore store, String key, HttpHeaders request) throws Exception {
        CacheStore.Found found = store.find(key, request);
        if (found == null) {
            return null;
        }
        try (var channel = found.body()) {
            ByteBuffer buffer = ByteBuffer.allocate((int) found.response().length());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read it all
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStoredBodyIsFoundByItsKeyAndVariant() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 1 << 20);
        store.routed(P, "owner-a");
        put(store, P + "x", P, "english", List.of(new Variant("accept-language", "en")));
        put(store, P + "x", P, "french", List.of(new Variant("accept-language", "fr")));
        HttpHeaders english = new DefaultHttpHeaders().add("Accept-Language", "en");
        assertEquals("english", body(store, P + "x", english));
        assertEquals("french", body(store, P + "x", new DefaultHttpHeaders().add("Accept-Language", "fr")));
        assertNull(body(store, P + "x", NO_FIELDS));
        assertNull(body(store, P + "y", english));
        put(store, P + "x", P, "english again", List.of(new Variant("accept-language", "en")));
        assertEquals("english again", body(store, P + "x", english), "the same variant is replaced");
        assertEquals(2, store.stats().entries());
    }

    @Test
    void aRegistrantOverItsShareLosesItsOwnLeastRecentlyUsedEntriesOnly() throws Exception {
        String kib = "k".repeat(1000);
        CacheStore store = open(5_500, 1 << 20, 4_000);
        store.routed(P, "owner-a");
        store.routed(Q, "owner-b");
        put(store, Q + "other", Q, kib, List.of());
        for (String name : List.of("1", "2", "3", "4")) {
            put(store, P + name, P, kib, List.of());
        }
        body(store, P + "1", NO_FIELDS); // used again: 2 is now owner-a's least recently used
        put(store, P + "5", P, kib, List.of());
        assertNull(store.find(P + "2", NO_FIELDS));
        for (String name : List.of("1", "3", "4", "5")) {
            assertNotNull(body(store, P + name, NO_FIELDS), name);
        }
        assertEquals(kib, body(store, Q + "other", NO_FIELDS), "the other registrant's entry stays, though older");
    }

    @Test
    void theWholeRelaysCapEvictsTheLeastRecentlyUsedOfAnyone() throws Exception {
        String kib = "k".repeat(1000);
        CacheStore store = open(1 << 20, 3_500, 4_000);
        store.routed(P, "owner-a");
        store.routed(Q, "owner-b");
        put(store, Q + "old", Q, kib, List.of());
        put(store, P + "a", P, kib, List.of());
        put(store, P + "b", P, kib, List.of());
        assertNull(store.find(Q + "old", NO_FIELDS));
        assertTrue(store.stats().bytes() <= 3_500);
    }

    @Test
    void aBodyOverTheEntryCapIsAbandonedAndLeavesNothing() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 100);
        store.routed(P, "owner-a");
        CacheStore.Writer writer = store.begin(P + "big", P, List.of());
        assertFalse(writer.write(Unpooled.wrappedBuffer(new byte[101])));
        assertNull(writer.commit(200, List.of(), 1, 2, false));
        assertEquals(0, store.stats().entries());
        try (Stream<Path> files = Files.list(dir.resolve("v1"))) {
            assertEquals(0, files.count(), "no partial file left");
        }
    }

    @Test
    void whatWasStoredAndWhoseItIsReloadAfterARestartAndPartialWritesGo() throws Exception {
        CacheStore before = open(1 << 20, 1 << 20, 1 << 20);
        before.routed(P, "owner-a");
        StoredResponse stored = put(before, P + "x", P, "kept across restarts", List.of());
        CacheStore.Writer unfinished = before.begin(P + "y", P, List.of());
        unfinished.write(Unpooled.wrappedBuffer(new byte[10])); // the relay stops here
        Files.writeString(dir.resolve("v1").resolve("0123.body"), "an orphan");

        CacheStore after = open(1 << 20, 1 << 20, 1 << 20);
        assertEquals("kept across restarts", body(after, P + "x", NO_FIELDS));
        assertEquals("owner-a", after.ownerOf(P), "the prefix is still its registrant's");
        assertEquals(stored, after.find(P + "x", NO_FIELDS).response());
        try (Stream<Path> files = Files.list(dir.resolve("v1"))) {
            assertEquals(2, files.count(), "one body and its metadata; the partial write and the orphan went");
        }
    }

    @Test
    void aPrefixRoutedByAnotherRegistrantLosesWhatTheFormerOwnerStored() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 1 << 20);
        store.routed(P, "owner-a");
        put(store, P + "x", P, "a's", List.of());
        assertEquals(-1, store.purge("owner-b", P, null), "b may not purge a's prefix");
        assertNotNull(store.find(P + "x", NO_FIELDS));
        store.routed(P, "owner-b");
        assertNull(store.find(P + "x", NO_FIELDS));
        assertEquals("owner-b", store.ownerOf(P));
    }

    @Test
    void anUnroutedPrefixStaysKnownWhileItHasEntries() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 1 << 20);
        store.routed(P, "owner-a");
        store.routed(Q, "owner-a");
        put(store, P + "x", P, "x", List.of());
        store.unrouted(P);
        store.unrouted(Q);
        assertEquals("owner-a", store.ownerOf(P));
        assertNull(store.ownerOf(Q), "nothing stored, not routed: unknown");
        assertEquals(1, store.purge("owner-a", P, "/x"));
        assertNull(store.ownerOf(P), "its last entry purged");
    }

    @Test
    void a304RefreshKeepsTheBodyAndReplacesTheFields() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 1 << 20);
        store.routed(P, "owner-a");
        StoredResponse stored = put(store, P + "x", P, "body", List.of());
        clock.addAndGet(1000);
        StoredResponse refreshed = store.refresh(stored, new DefaultHttpHeaders().add("Cache-Control", "max-age=9"), 10, 20);
        assertEquals(List.of(List.of("Cache-Control", "max-age=9")), refreshed.headers());
        assertEquals(20, refreshed.responseTime());
        assertEquals("body", body(store, P + "x", NO_FIELDS));
        assertEquals(refreshed, open(1 << 20, 1 << 20, 1 << 20).find(P + "x", NO_FIELDS).response(), "on disk too");
    }

    @Test
    void theStatsCountWhatIsStored() throws Exception {
        CacheStore store = open(1 << 20, 1 << 20, 1 << 20);
        store.routed(P, "owner-a");
        put(store, P + "x", P, "12345", List.of());
        store.hit();
        store.miss();
        store.revalidation();
        CacheStats stats = store.stats();
        assertEquals(1, stats.entries());
        assertTrue(stats.bytes() > 5, "the body and its metadata");
        assertEquals(List.of(1L, 1L, 1L), List.of(stats.hits(), stats.misses(), stats.revalidations()));
    }
}
