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
            s.put(key("k"), bytes("v"), NOW + HOUR, null);
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
    void aClosedStoreRefusesCalls() {
        store.close();
        assertThrows(IllegalStateException.class, () -> store.count(key("k"), NOW));
    }
}
