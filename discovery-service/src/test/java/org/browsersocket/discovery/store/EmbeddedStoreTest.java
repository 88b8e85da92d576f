package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite in a fresh directory per test, plus what only the embedded store does. */
class EmbeddedStoreTest extends ValueStoreContract {
    @TempDir
    Path temp;

    Path directory() {
        return temp.resolve("data");
    }

    @Override
    void clearData() {
        // Every test has its own temporary directory.
    }

    @Override
    ValueStore open(Duration purgeInterval) {
        return EmbeddedStore.open(new StoreLocation.Embedded(directory()), purgeInterval);
    }

    @Override
    boolean holdsRecord(byte[] key, byte[] valueHash) throws Exception {
        // A second connection: WAL lets it read beside the store's own.
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + directory().resolve(EmbeddedStore.FILE_NAME));
             PreparedStatement find = db.prepareStatement(
                     "SELECT 1 FROM stored_value WHERE key = ? AND value_hash = ?")) {
            find.setBytes(1, key);
            find.setBytes(2, valueHash);
            try (ResultSet row = find.executeQuery()) {
                return row.next();
            }
        }
    }

    @Test
    void openCreatesMissingDirectoriesAndKeepsOneDatabaseFileInWalMode() throws Exception {
        Path nested = temp.resolve("a/b/c");
        try (EmbeddedStore s = EmbeddedStore.open(new StoreLocation.Embedded(nested))) {
            put(s, key("k"), bytes("v"), NOW + HOUR, null);
            assertTrue(Files.isRegularFile(nested.resolve(EmbeddedStore.FILE_NAME)));
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + nested.resolve(EmbeddedStore.FILE_NAME));
             ResultSet mode = db.createStatement().executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
        Path file = Files.writeString(temp.resolve("a file"), "not a directory");
        StoreException e = assertThrows(StoreException.class,
                () -> EmbeddedStore.open(new StoreLocation.Embedded(file.resolve("data"))));
        assertTrue(e.getMessage().contains("cannot create the store directory"), e.getMessage());
    }

    /** A store directory holding a database of the first format: only the values' table, with these rows. */
    private Path oldDatabase(String name, byte[] key, List<String> values, byte[] secretHash) throws Exception {
        Path old = Files.createDirectories(temp.resolve(name));
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + old.resolve(EmbeddedStore.FILE_NAME))) {
            db.createStatement().executeUpdate("""
                    CREATE TABLE stored_value (key BLOB NOT NULL, value_hash BLOB NOT NULL, value BLOB NOT NULL,
                        expires_at INTEGER NOT NULL, secret_hash BLOB, PRIMARY KEY (key, value_hash)) WITHOUT ROWID""");
            PreparedStatement insert = db.prepareStatement("INSERT INTO stored_value VALUES (?, ?, ?, ?, ?)");
            for (String value : values) {
                insert.setBytes(1, key);
                insert.setBytes(2, Bytes.sha1(bytes(value)));
                insert.setBytes(3, bytes(value));
                insert.setLong(4, NOW + HOUR);
                insert.setBytes(5, secretHash);
                insert.executeUpdate();
            }
        }
        return old;
    }

    @Test
    void aDatabaseFromBeforeStoredBytesWereCountedGetsItsCountWhenOpened() throws Exception {
        Path old = oldDatabase("old", key("old"), List.of("kept from before"), Bytes.sha1(bytes("s")));
        try (ValueStore reopened = EmbeddedStore.open(new StoreLocation.Embedded(old))) {
            assertEquals(48 + "kept from before".length() + 20, reopened.storedBytes());
        }
    }

    @Test
    void aDatabaseFromBeforeRowsPerKeyWereCountedGetsThemWhenOpenedSoAFullKeyStaysFull() throws Exception {
        Path old = oldDatabase("old-full", key("full"), List.of("a", "b", "c"), null);
        Capacity three = new Capacity(3, Long.MAX_VALUE);
        try (ValueStore reopened = EmbeddedStore.open(new StoreLocation.Embedded(old))) {
            assertEquals(ValueStore.PutResult.OVER_CAPACITY, reopened.put(key("full"), bytes("d"), NOW + HOUR, null, NOW, three));
            assertEquals(ValueStore.PutResult.OK, reopened.put(key("full"), bytes("a"), NOW + 2 * HOUR, null, NOW, three), "a re-put");
            assertEquals(ValueStore.PutResult.OK, reopened.put(key("other"), bytes("d"), NOW + HOUR, null, NOW, three));
        }
    }

    @Test
    void inOneCommitAPutOverItsKeysCapacityAndARemovalWithAWrongSecretFailAloneAndTheOthersLand() throws Exception {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        ExecutorService callers = Executors.newCachedThreadPool();
        try (EmbeddedStore s = EmbeddedStore.open(new StoreLocation.Embedded(temp.resolve("batched")), Duration.ofHours(1),
                writes -> {
                    batches.add(writes);
                    if (batches.size() > 3) { // the three puts that set up the test commit at once
                        entered.countDown();
                        awaitQuietly(hold);
                    }
                })) {
            Capacity twoPerKey = new Capacity(2, Long.MAX_VALUE);
            byte[] full = key("full");
            byte[] secret = bytes("right secret");
            s.put(full, bytes("a"), NOW + HOUR, null, NOW, twoPerKey);
            s.put(full, bytes("b"), NOW + HOUR, null, NOW, twoPerKey);
            s.put(key("r"), bytes("removable"), NOW + HOUR, Bytes.sha1(secret), NOW, twoPerKey);

            Future<ValueStore.PutResult> held = callers.submit(() -> s.put(key("held"), bytes("v"), NOW + HOUR, null, NOW, twoPerKey));
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer reached a commit");
            List<Future<?>> batch = new ArrayList<>();
            List<Callable<?>> writes = List.of(
                    () -> s.put(key("one"), bytes("v"), NOW + HOUR, null, NOW, twoPerKey),
                    () -> s.put(full, bytes("c"), NOW + HOUR, null, NOW, twoPerKey),
                    () -> s.remove(key("r"), Bytes.sha1(bytes("removable")), bytes("wrong secret")),
                    () -> s.put(key("two"), bytes("v"), NOW + HOUR, null, NOW, twoPerKey));
            for (Callable<?> write : writes) {
                batch.add(callers.submit(write));
                int queued = batch.size();
                GroupCommitTest.await(() -> s.queuedWrites() >= queued, "write " + queued + " is queued");
            }
            hold.countDown();

            assertEquals(ValueStore.PutResult.OK, held.get(10, TimeUnit.SECONDS));
            assertEquals(ValueStore.PutResult.OK, batch.get(0).get(10, TimeUnit.SECONDS));
            assertEquals(ValueStore.PutResult.OVER_CAPACITY, batch.get(1).get(10, TimeUnit.SECONDS));
            assertEquals(false, batch.get(2).get(10, TimeUnit.SECONDS));
            assertEquals(ValueStore.PutResult.OK, batch.get(3).get(10, TimeUnit.SECONDS));
            assertEquals(List.of(1, 1, 1, 1, 4), batches, "the four writes shared one commit");
            assertEquals(1, s.count(key("one"), NOW));
            assertEquals(1, s.count(key("two"), NOW));
            assertEquals(2, s.count(full, NOW));
            assertEquals(1, s.count(key("r"), NOW), "the wrong secret removed nothing");
        } finally {
            hold.countDown();
            callers.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClosedStoreRefusesCalls() {
        store.close();
        assertThrows(IllegalStateException.class, () -> store.count(key("k"), NOW));
    }
}
