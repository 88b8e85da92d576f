package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link ValueStore} does, whatever keeps the data. A subclass opens its kind of store
 * on data that is empty when each test starts. Time is the {@code now} the tests pass in, so
 * nothing waits for a clock; the values live far longer than a test in real time, so the
 * background purge (which uses the real clock) leaves them alone.
 */
@Timeout(60)
abstract class ValueStoreContract {
    /** A "now" for the tests: real time, so real-time background purges do not touch live values. */
    static final long NOW = System.currentTimeMillis();
    static final long HOUR = 3_600_000;
    static final byte[] NO_PLACEMARK = new byte[0];

    private final List<ValueStore> opened = new ArrayList<>();
    ValueStore store;

    /** Makes this test's backing data empty (called before anything is opened). */
    abstract void clearData() throws Exception;

    /** Opens a store on this test's data, purging in the background every {@code purgeInterval}. */
    abstract ValueStore open(Duration purgeInterval);

    /** Whether the backing data still holds a record of the value, expired or not (white box). */
    abstract boolean holdsRecord(byte[] key, byte[] valueHash) throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        clearData();
        store = opened(Duration.ofHours(1));
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ValueStore::close);
    }

    ValueStore opened(Duration purgeInterval) {
        ValueStore s = open(purgeInterval);
        opened.add(s);
        return s;
    }

    /** A restart: the store closes and another opens on the same data. */
    ValueStore restart(ValueStore s) {
        s.close();
        opened.remove(s);
        return opened(Duration.ofHours(1));
    }

    // --- put and get

    @Test
    void aPutValueComesBackWithItsHashExpiryAndSecretHash() {
        byte[] key = key("k");
        byte[] secretHash = Bytes.sha1(bytes("secret"));
        assertEquals(ValueStore.PutResult.OK, put(store, key, bytes("hello"), NOW + HOUR, secretHash));

        Page page = store.get(key, 10, NO_PLACEMARK, NOW);
        assertEquals(1, page.values().size());
        StoredValue v = page.values().get(0);
        assertArrayEquals(bytes("hello"), v.value());
        assertArrayEquals(Bytes.sha1(bytes("hello")), v.valueHash());
        assertEquals(NOW + HOUR, v.expiresAtMillis());
        assertArrayEquals(secretHash, v.secretHash());
        assertFalse(page.hasMore());
    }

    @Test
    void aValuePutWithoutSecretHasNoSecretHash() {
        put(store, key("k"), bytes("v"), NOW + HOUR, null);
        assertNull(only(store.get(key("k"), 10, NO_PLACEMARK, NOW)).secretHash());
    }

    @Test
    void aKeyHoldsManyValuesInUnsignedValueHashOrder() {
        byte[] key = key("many");
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            put(store, key, bytes("value " + i), NOW + HOUR, null);
            hashes.add(Bytes.sha1(bytes("value " + i)));
        }
        hashes.sort(Arrays::compareUnsigned);

        Page page = store.get(key, 100, NO_PLACEMARK, NOW);
        assertEquals(hex(hashes), hex(page.values().stream().map(StoredValue::valueHash).toList()));
        assertEquals(40, store.count(key, NOW));
    }

    @Test
    void keysDoNotShareValuesAndAnUnknownKeyIsEmpty() {
        put(store, key("a"), bytes("of a"), NOW + HOUR, null);
        put(store, key("b"), bytes("of b"), NOW + HOUR, null);

        assertArrayEquals(bytes("of a"), only(store.get(key("a"), 10, NO_PLACEMARK, NOW)).value());
        assertArrayEquals(bytes("of b"), only(store.get(key("b"), 10, NO_PLACEMARK, NOW)).value());
        Page none = store.get(key("c"), 10, NO_PLACEMARK, NOW);
        assertTrue(none.values().isEmpty());
        assertEquals(0, none.placemark().length);
        assertEquals(0, store.count(key("c"), NOW));
    }

    @Test
    void keysAndValuesAreBinarySafeUpToTheirLimits() {
        byte[] key = new byte[Limits.MAX_KEY_BYTES];
        Arrays.fill(key, (byte) 0xff);
        key[0] = 0;
        byte[] value = new byte[Limits.MAX_VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        byte[] secret = {0, (byte) 0xff, (byte) 0x80, '\n'};
        put(store, key, value, NOW + HOUR, Bytes.sha1(secret));

        StoredValue v = only(store.get(key, 1, NO_PLACEMARK, NOW));
        assertArrayEquals(value, v.value());
        assertArrayEquals(Bytes.sha1(secret), v.secretHash());
        assertTrue(store.remove(key, Bytes.sha1(value), secret));
        assertEquals(0, store.count(key, NOW));
    }

    // --- re-put

    @Test
    void reputtingTheSameBytesKeepsOneCopyWithTheLaterExpiry() {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + 2 * HOUR, null);
        put(store, key, bytes("v"), NOW + HOUR, null);
        assertEquals(NOW + 2 * HOUR, only(store.get(key, 10, NO_PLACEMARK, NOW)).expiresAtMillis());

        put(store, key, bytes("v"), NOW + 3 * HOUR, null);
        assertEquals(NOW + 3 * HOUR, only(store.get(key, 10, NO_PLACEMARK, NOW)).expiresAtMillis());
        assertEquals(1, store.count(key, NOW));
    }

    @Test
    void reputtingWithASecretReplacesTheSecretHashAndWithoutOneKeepsIt() {
        byte[] key = key("k");
        byte[] first = Bytes.sha1(bytes("first"));
        byte[] second = Bytes.sha1(bytes("second"));
        put(store, key, bytes("v"), NOW + HOUR, null);
        put(store, key, bytes("v"), NOW + HOUR, first);
        assertArrayEquals(first, only(store.get(key, 10, NO_PLACEMARK, NOW)).secretHash());

        put(store, key, bytes("v"), NOW + HOUR, second);
        assertArrayEquals(second, only(store.get(key, 10, NO_PLACEMARK, NOW)).secretHash());

        put(store, key, bytes("v"), NOW + HOUR, null);
        assertArrayEquals(second, only(store.get(key, 10, NO_PLACEMARK, NOW)).secretHash());
        assertFalse(store.remove(key, Bytes.sha1(bytes("v")), bytes("first")));
        assertTrue(store.remove(key, Bytes.sha1(bytes("v")), bytes("second")));
    }

    // --- expiry and purge

    @Test
    void aValueIsHiddenFromGetAndCountFromItsExpiryOnEvenBeforeAPurge() throws Exception {
        byte[] key = key("k");
        put(store, key, bytes("short"), NOW + 1000, null);
        put(store, key, bytes("long"), NOW + HOUR, null);

        assertEquals(2, store.get(key, 10, NO_PLACEMARK, NOW + 999).values().size());
        assertEquals(2, store.count(key, NOW + 999));
        // Gone at its expiry time exactly.
        assertArrayEquals(bytes("long"), only(store.get(key, 10, NO_PLACEMARK, NOW + 1000)).value());
        assertEquals(1, store.count(key, NOW + 1000));
        assertEquals(0, store.count(key, NOW + HOUR));
        assertTrue(holdsRecord(key, Bytes.sha1(bytes("short"))), "nothing purged it yet");
    }

    @Test
    void aReputExtendsAnExpiredButUnpurgedValue() {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + 1000, null);
        assertEquals(0, store.count(key, NOW + 2000));
        put(store, key, bytes("v"), NOW + HOUR, null);
        assertEquals(NOW + HOUR, only(store.get(key, 10, NO_PLACEMARK, NOW + 2000)).expiresAtMillis());
    }

    @Test
    void purgeDeletesExactlyTheExpiredValuesAndSaysHowMany() throws Exception {
        byte[] key = key("k");
        for (int i = 0; i < 5; i++) {
            put(store, key, bytes("expired " + i), NOW + 1000 + i, null);
        }
        put(store, key("other"), bytes("expired too"), NOW + 1000, null);
        put(store, key, bytes("live"), NOW + HOUR, null);

        assertEquals(6, store.purgeExpired(NOW + 1004));
        assertFalse(holdsRecord(key, Bytes.sha1(bytes("expired 0"))));
        assertFalse(holdsRecord(key("other"), Bytes.sha1(bytes("expired too"))));
        assertTrue(holdsRecord(key, Bytes.sha1(bytes("live"))));
        assertArrayEquals(bytes("live"), only(store.get(key, 10, NO_PLACEMARK, NOW + 1004)).value());
        assertEquals(0, store.purgeExpired(NOW + 1004));
    }

    @Test
    void purgesRunningAtOnceDeleteEachExpiredValueOnce() throws Exception {
        ValueStore other = opened(Duration.ofHours(1));
        for (int i = 0; i < 300; i++) {
            put(store, key("k" + i % 7), bytes("expired " + i), NOW + 1000, null);
        }
        put(store, key("k0"), bytes("live"), NOW + HOUR, null);

        List<Integer> deleted = concurrently(8, n -> (n % 2 == 0 ? store : other).purgeExpired(NOW + 1000));
        assertEquals(300, deleted.stream().mapToInt(Integer::intValue).sum());
        assertEquals(1, store.count(key("k0"), NOW));
    }

    @Test
    void theBackgroundPurgeDeletesExpiredValuesUnasked() throws Exception {
        ValueStore purging = opened(Duration.ofMillis(50));
        byte[] key = key("k");
        put(purging, key, bytes("expired a minute ago"), System.currentTimeMillis() - 60_000, null);
        put(purging, key, bytes("live"), NOW + HOUR, null);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (holdsRecord(key, Bytes.sha1(bytes("expired a minute ago")))) {
            assertTrue(System.nanoTime() < deadline, "the background purge never ran");
            Thread.sleep(20);
        }
        assertTrue(holdsRecord(key, Bytes.sha1(bytes("live"))));
    }

    @Test
    void expiryKeepsCountingAcrossARestart() {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + 10_000, null);
        store = restart(store);

        StoredValue v = only(store.get(key, 10, NO_PLACEMARK, NOW + 4_000));
        assertEquals(NOW + 10_000, v.expiresAtMillis());
        assertEquals(6, v.ttlRemaining(NOW + 4_000));
        assertEquals(0, store.count(key, NOW + 10_000));
    }

    // --- paging

    @Test
    void pagingThroughTwentyFiveValuesTenAtATimeGivesEachOnceInThreePages() {
        byte[] key = key("paged");
        Set<String> put = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            put(store, key, bytes("value " + i), NOW + HOUR, null);
            put.add("value " + i);
        }
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        byte[] placemark = NO_PLACEMARK;
        do {
            Page page = store.get(key, 10, placemark, NOW);
            pageSizes.add(page.values().size());
            page.values().forEach(v -> seen.add(new String(v.value(), StandardCharsets.UTF_8)));
            placemark = page.placemark();
        } while (placemark.length > 0);

        assertEquals(List.of(10, 10, 5), pageSizes);
        assertEquals(25, seen.size());
        assertEquals(put, new HashSet<>(seen));
        List<String> inHashOrder = new ArrayList<>(seen);
        inHashOrder.sort(Comparator.comparing(s -> Bytes.sha1(bytes(s)), Arrays::compareUnsigned));
        assertEquals(inHashOrder, seen);
    }

    @Test
    void aPageThatTakesTheLastValueHasAnEmptyPlacemark() {
        byte[] key = key("k");
        for (int i = 0; i < 10; i++) {
            put(store, key, bytes("value " + i), NOW + HOUR, null);
        }
        Page page = store.get(key, 10, NO_PLACEMARK, NOW);
        assertEquals(10, page.values().size());
        assertFalse(page.hasMore());
    }

    @Test
    void theNextPageStartsStrictlyAfterThePlacemark() {
        byte[] key = key("k");
        for (int i = 0; i < 5; i++) {
            put(store, key, bytes("value " + i), NOW + HOUR, null);
        }
        List<StoredValue> all = store.get(key, 10, NO_PLACEMARK, NOW).values();
        Page rest = store.get(key, 10, all.get(1).valueHash(), NOW);
        assertEquals(hex(all.subList(2, 5).stream().map(StoredValue::valueHash).toList()),
                hex(rest.values().stream().map(StoredValue::valueHash).toList()));
    }

    @Test
    void onlyExpiredValuesAfterAPageMeanNoPlacemark() {
        byte[] key = key("k");
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hashes.add(Bytes.sha1(bytes("value " + i)));
        }
        hashes.sort(Arrays::compareUnsigned);
        for (int i = 0; i < 10; i++) {
            // The three last in hash order expire; paging must skip them, not stop short of them.
            byte[] value = bytes("value " + i);
            int rank = indexOf(hashes, Bytes.sha1(value));
            put(store, key, value, rank >= 7 ? NOW + 1000 : NOW + HOUR, null);
        }
        Page first = store.get(key, 4, NO_PLACEMARK, NOW + 1000);
        assertTrue(first.hasMore());
        Page second = store.get(key, 3, first.placemark(), NOW + 1000);
        assertEquals(3, second.values().size());
        assertFalse(second.hasMore());
    }

    // --- removal

    @Test
    void theRightSecretRemovesTheValue() throws Exception {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + HOUR, Bytes.sha1(bytes("open sesame")));
        put(store, key, bytes("stays"), NOW + HOUR, Bytes.sha1(bytes("open sesame")));

        assertTrue(store.remove(key, Bytes.sha1(bytes("v")), bytes("open sesame")));
        assertArrayEquals(bytes("stays"), only(store.get(key, 10, NO_PLACEMARK, NOW)).value());
        assertEquals(1, store.count(key, NOW));
        assertFalse(holdsRecord(key, Bytes.sha1(bytes("v"))));
        assertFalse(store.remove(key, Bytes.sha1(bytes("v")), bytes("open sesame")), "already gone");
    }

    @Test
    void aWrongSecretRemovesNothing() {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + HOUR, Bytes.sha1(bytes("open sesame")));
        assertFalse(store.remove(key, Bytes.sha1(bytes("v")), bytes("open barley")));
        assertEquals(1, store.count(key, NOW));
    }

    @Test
    void aValuePutWithoutSecretCannotBeRemoved() {
        byte[] key = key("k");
        put(store, key, bytes("v"), NOW + HOUR, null);
        assertFalse(store.remove(key, Bytes.sha1(bytes("v")), bytes("anything")));
        assertFalse(store.remove(key, Bytes.sha1(bytes("v")), new byte[0]));
        assertEquals(1, store.count(key, NOW));
    }

    @Test
    void removingAMissingValueAnswersFalse() {
        assertFalse(store.remove(key("nothing here"), Bytes.sha1(bytes("v")), bytes("s")));
        put(store, key("k"), bytes("v"), NOW + HOUR, Bytes.sha1(bytes("s")));
        assertFalse(store.remove(key("other key"), Bytes.sha1(bytes("v")), bytes("s")));
    }

    @Test
    void putsAndRemovalsSurviveARestart() {
        byte[] key = key("k");
        put(store, key, bytes("removed"), NOW + HOUR, Bytes.sha1(bytes("s")));
        put(store, key, bytes("kept"), NOW + HOUR, null);
        store = restart(store);
        assertEquals(2, store.count(key, NOW));

        assertTrue(store.remove(key, Bytes.sha1(bytes("removed")), bytes("s")));
        store = restart(store);
        assertArrayEquals(bytes("kept"), only(store.get(key, 10, NO_PLACEMARK, NOW)).value());
    }

    // --- concurrency

    @Test
    void putsFromEightThreadsAllArrive() throws Exception {
        byte[] shared = key("shared");
        concurrently(8, thread -> {
            for (int i = 0; i < 50; i++) {
                put(store, shared, bytes("thread " + thread + " value " + i), NOW + HOUR, null);
                put(store, key("own " + thread), bytes("value " + i), NOW + HOUR, null);
                put(store, shared, bytes("everyone's"), NOW + HOUR + thread * 1000L + i, null);
            }
            return null;
        });
        assertEquals(401, store.count(shared, NOW));
        assertEquals(401, store.get(shared, 1000, NO_PLACEMARK, NOW).values().size());
        for (int thread = 0; thread < 8; thread++) {
            assertEquals(50, store.count(key("own " + thread), NOW));
        }
        StoredValue everyones = store.get(shared, 1000, NO_PLACEMARK, NOW).values().stream()
                .filter(v -> Arrays.equals(v.value(), bytes("everyone's"))).findFirst().orElseThrow();
        assertEquals(NOW + HOUR + 7 * 1000L + 49, everyones.expiresAtMillis(), "the latest expiry wins");
    }

    // --- capacity

    @Test
    void ofConcurrentPutsToAKeyNearItsLimitOnlyEnoughToFillItAreStored() throws Exception {
        ValueStore other = opened(Duration.ofHours(1));
        byte[] key = key("lobby");
        Capacity capacity = new Capacity(Limits.MAX_VALUES_PER_KEY, Long.MAX_VALUE);
        for (int i = 0; i < 990; i++) {
            assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("room " + i), NOW + HOUR, null, NOW, capacity));
        }

        List<ValueStore.PutResult> results = concurrently(64, n ->
                (n % 2 == 0 ? store : other).put(key, bytes("late room " + n), NOW + HOUR, null, NOW, capacity));

        assertEquals(10, results.stream().filter(r -> r == ValueStore.PutResult.OK).count(), results.toString());
        assertEquals(54, results.stream().filter(r -> r == ValueStore.PutResult.OVER_CAPACITY).count());
        assertEquals(1000, store.count(key, NOW));
        assertEquals(1000, store.get(key, 1000, NO_PLACEMARK, NOW).values().size());
    }

    @Test
    void aFullKeyTakesReputsOfItsLiveValuesAndNewValuesOnlyAsOthersExpire() {
        byte[] key = key("k");
        Capacity three = new Capacity(3, Long.MAX_VALUE);
        assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("a"), NOW + HOUR, null, NOW, three));
        assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("b"), NOW + HOUR, null, NOW, three));
        assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("c"), NOW + 1000, null, NOW, three));
        assertEquals(ValueStore.PutResult.OVER_CAPACITY, store.put(key, bytes("d"), NOW + HOUR, null, NOW, three));
        assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("b"), NOW + 2 * HOUR, null, NOW, three), "a re-put");

        // At NOW + 1000, c has expired: there is room for one new value, d; c itself is then new again.
        assertEquals(ValueStore.PutResult.OK, store.put(key, bytes("d"), NOW + HOUR, null, NOW + 1000, three));
        assertEquals(ValueStore.PutResult.OVER_CAPACITY, store.put(key, bytes("c"), NOW + HOUR, null, NOW + 1000, three));
        assertEquals(3, store.count(key, NOW + 1000));
        assertEquals(NOW + 2 * HOUR, store.get(key, 10, NO_PLACEMARK, NOW + 1000).values().stream()
                .filter(v -> Arrays.equals(v.value(), bytes("b"))).findFirst().orElseThrow().expiresAtMillis());
    }

    @Test
    void storedBytesCountEveryRecordAndComeBackWhenRecordsLeave() {
        assertEquals(0, store.storedBytes());
        byte[] key = key("k");
        put(store, key, bytes("12345"), NOW + 1000, null);
        assertEquals(48 + 5, store.storedBytes());
        put(store, key, bytes("abc"), NOW + HOUR, Bytes.sha1(bytes("s")));
        assertEquals(48 + 5 + 48 + 3 + 20, store.storedBytes());
        put(store, key, bytes("12345"), NOW + 1000, Bytes.sha1(bytes("t")));
        assertEquals(48 + 5 + 20 + 48 + 3 + 20, store.storedBytes(), "a secret added to a value counts");
        assertTrue(store.remove(key, Bytes.sha1(bytes("abc")), bytes("s")));
        assertEquals(48 + 5 + 20, store.storedBytes());
        assertEquals(1, store.purgeExpired(NOW + 1000));
        assertEquals(0, store.storedBytes());

        SignedValue first = signed(principal("gina"), "label", "12", 1);
        assertTrue(putSigned(store, first));
        long firstBytes = Capacity.signedBytes(first);
        assertEquals(48 + 5 + 2 + "key of 12".length() + "signature of 12".length(), firstBytes);
        assertEquals(firstBytes, store.storedBytes());
        SignedValue second = signed(principal("gina"), "label", "1234", 2);
        assertTrue(putSigned(store, second));
        assertEquals(Capacity.signedBytes(second), store.storedBytes(), "a replaced signed value counts once");
        store = restart(store);
        assertEquals(Capacity.signedBytes(second), store.storedBytes(), "the count survives a restart");
    }

    @Test
    void writesBeyondTheStoredBytesAreRefusedAsStorageFull() {
        Capacity room = new Capacity(1000, 2 * 148 + 10);
        byte[] value = new byte[100];
        assertEquals(ValueStore.PutResult.OK, store.put(key("a"), value, NOW + HOUR, null, NOW, room));
        assertEquals(ValueStore.PutResult.OK, store.put(key("b"), value, NOW + HOUR, null, NOW, room));
        assertEquals(ValueStore.PutResult.STORAGE_FULL, store.put(key("c"), value, NOW + HOUR, null, NOW, room));
        assertEquals(ValueStore.PutResult.OK, store.put(key("a"), value, NOW + 2 * HOUR, null, NOW, room),
                "a re-put that takes no more room");
        assertEquals(ValueStore.SignedResult.STORAGE_FULL, store.putSigned(signed(principal("h"), "l", "v", 1), room));
        assertEquals(2 * 148, store.storedBytes());
        assertEquals(0, store.count(key("c"), NOW));
        assertTrue(store.findSigned("", "l", 10).isEmpty());
    }

    @Test
    void concurrentPutsNeverTakeTheStoreOverItsStoredBytes() throws Exception {
        ValueStore other = opened(Duration.ofHours(1));
        Capacity room = new Capacity(1000, 10 * 148);
        List<ValueStore.PutResult> results = concurrently(64, n ->
                (n % 2 == 0 ? store : other).put(key("k" + n % 7), Arrays.copyOf(bytes("value " + n), 100),
                        NOW + HOUR, null, NOW, room));
        assertEquals(10, results.stream().filter(r -> r == ValueStore.PutResult.OK).count(), results.toString());
        assertEquals(10 * 148, store.storedBytes());
    }

    // --- signed values

    @Test
    void aSignedValueIsStoredThenReplacedOnlyByAHigherSequence() {
        byte[] principal = principal("alice");
        assertTrue(putSigned(store, signed(principal, "home", "first", 5)));
        assertFalse(putSigned(store, signed(principal, "home", "same sequence", 5)));
        assertFalse(putSigned(store, signed(principal, "home", "older", 4)));
        assertEquals("first", valueOf(only(store.findSigned(Bytes.hex(principal), "home", 10))));

        assertTrue(putSigned(store, signed(principal, "home", "newer", 6)));
        SignedValue found = only(store.findSigned(Bytes.hex(principal), "home", 10));
        assertEquals("newer", valueOf(found));
        assertEquals(6, found.sequence());
        assertArrayEquals(principal, found.principal());
        assertEquals("home", found.label());
        assertArrayEquals(bytes("key of newer"), found.publicKey());
        assertArrayEquals(bytes("signature of newer"), found.signature());
    }

    @Test
    void sequencesCompareAsSignedLongsOverTheirWholeRange() {
        byte[] principal = principal("bob");
        long[] rising = {Long.MIN_VALUE, -1_000_000_000_000L, -1, 0, 1, 9_007_199_254_740_993L,
                9_007_199_254_740_994L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long sequence : rising) {
            assertTrue(putSigned(store, signed(principal, "l", "at " + sequence, sequence)), "stores " + sequence);
            assertFalse(putSigned(store, signed(principal, "l", "again", sequence)), "refuses " + sequence + " again");
            assertEquals(sequence, only(store.findSigned("", "l", 10)).sequence());
        }
    }

    @Test
    void labelsKeepTheirOwnSignedValues() {
        byte[] principal = principal("carol");
        assertTrue(putSigned(store, signed(principal, "home", "h", 9)));
        assertTrue(putSigned(store, signed(principal, "work ✓", "w", 1)));
        assertEquals("h", valueOf(only(store.findSigned("", "home", 10))));
        assertEquals("w", valueOf(only(store.findSigned("", "work ✓", 10))));
        assertTrue(store.findSigned("", "elsewhere", 10).isEmpty());
    }

    @Test
    void ofConcurrentPutsWithTheSameSequenceExactlyOneWins() throws Exception {
        ValueStore other = opened(Duration.ofHours(1));
        byte[] principal = principal("dave");
        putSigned(store, signed(principal, "race", "start", 1));

        List<Boolean> won = concurrently(8, n ->
                putSigned(n % 2 == 0 ? store : other, signed(principal, "race", "writer " + n, 2)));
        assertEquals(1, won.stream().filter(w -> w).count());
        int winner = won.indexOf(true);
        SignedValue stored = only(store.findSigned("", "race", 10));
        assertEquals("writer " + winner, valueOf(stored));
        assertEquals(2, stored.sequence());
    }

    @Test
    void findSignedMatchesPrincipalsByHexPrefix() {
        byte[] a = HexFormat.of().parseHex("ab00000000000000000000000000000000000001");
        byte[] b = HexFormat.of().parseHex("ab10000000000000000000000000000000000002");
        byte[] c = HexFormat.of().parseHex("ffffffffffffffffffffffffffffffffffffffff");
        for (byte[] p : List.of(a, b, c)) {
            putSigned(store, signed(p, "l", Bytes.hex(p), 1));
        }
        assertEquals(List.of(Bytes.hex(a), Bytes.hex(b), Bytes.hex(c)), valuesOf(store.findSigned("", "l", 10)));
        assertEquals(List.of(Bytes.hex(a), Bytes.hex(b)), valuesOf(store.findSigned("ab", "l", 10)));
        assertEquals(List.of(Bytes.hex(b)), valuesOf(store.findSigned("AB1", "l", 10)), "any case");
        assertEquals(List.of(Bytes.hex(c)), valuesOf(store.findSigned(Bytes.hex(c), "l", 10)));
        assertEquals(List.of(), valuesOf(store.findSigned("0", "l", 10)));
        assertEquals(List.of(), valuesOf(store.findSigned("ab2", "l", 10)));
        assertEquals(List.of(Bytes.hex(a), Bytes.hex(b)), valuesOf(store.findSigned("", "l", 2)), "at most limit");
        assertThrows(IllegalArgumentException.class, () -> store.findSigned("a~", "l", 10));
    }

    // --- helpers

    /** A put with no capacity limits. */
    static ValueStore.PutResult put(ValueStore s, byte[] key, byte[] value, long expiresAtMillis, byte[] secretHash) {
        return s.put(key, value, expiresAtMillis, secretHash, NOW, Capacity.UNLIMITED);
    }

    /** Whether a signed put with no capacity limit was stored. */
    static boolean putSigned(ValueStore s, SignedValue value) {
        return s.putSigned(value, Capacity.UNLIMITED) == ValueStore.SignedResult.STORED;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] key(String name) {
        return Bytes.sha1(bytes("key " + name));
    }

    static byte[] principal(String name) {
        return Bytes.sha1(bytes("public key of " + name));
    }

    static SignedValue signed(byte[] principal, String label, String value, long sequence) {
        return new SignedValue(principal, label, bytes(value), sequence, bytes("key of " + value),
                bytes("signature of " + value));
    }

    static String valueOf(SignedValue value) {
        return new String(value.value(), StandardCharsets.UTF_8);
    }

    static List<String> valuesOf(List<SignedValue> values) {
        return values.stream().map(ValueStoreContract::valueOf).toList();
    }

    static <T> T only(List<T> list) {
        assertEquals(1, list.size(), "expected exactly one");
        return list.get(0);
    }

    static StoredValue only(Page page) {
        assertFalse(page.hasMore());
        return only(page.values());
    }

    static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(Bytes::hex).toList();
    }

    static int indexOf(List<byte[]> list, byte[] wanted) {
        for (int i = 0; i < list.size(); i++) {
            if (Arrays.equals(list.get(i), wanted)) {
                return i;
            }
        }
        return -1;
    }

    interface ThreadWork<T> {
        T run(int thread) throws Exception;
    }

    /** Runs {@code work} on {@code threads} threads released together; answers their results in thread order. */
    static <T> List<T> concurrently(int threads, ThreadWork<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Callable<T> task = () -> {
                    start.await();
                    return work.run(thread);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
