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

    @Test
    void aDatabaseFromBeforeStoredBytesWereCountedGetsItsCountWhenOpened() throws Exception {
        Path old = Files.createDirectories(temp.resolve("old"));
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + old.resolve(EmbeddedStore.FILE_NAME))) {
            db.createStatement().executeUpdate("""
                    CREATE TABLE stored_value (key BLOB NOT NULL, value_hash BLOB NOT NULL, value BLOB NOT NULL,
                        expires_at INTEGER NOT NULL, secret_hash BLOB, PRIMARY KEY (key, value_hash)) WITHOUT ROWID""");
            PreparedStatement insert = db.prepareStatement("INSERT INTO stored_value VALUES (?, ?, ?, ?, ?)");
            insert.setBytes(1, key("old"));
            insert.setBytes(2, Bytes.sha1(bytes("kept from before")));
            insert.setBytes(3, bytes("kept from before"));
            insert.setLong(4, NOW + HOUR);
            insert.setBytes(5, Bytes.sha1(bytes("s")));
            insert.executeUpdate();
        }
        try (ValueStore reopened = EmbeddedStore.open(new StoreLocation.Embedded(old))) {
            assertEquals(48 + "kept from before".length() + 20, reopened.storedBytes());
        }
    }

    @Test
    void aClosedStoreRefusesCalls() {
        store.close();
        assertThrows(IllegalStateException.class, () -> store.count(key("k"), NOW));
    }
}
