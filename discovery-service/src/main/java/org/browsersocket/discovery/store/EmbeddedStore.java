package org.browsersocket.discovery.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The store of {@code embedded:DIR}: one SQLite database in DIR. SQLite in WAL mode with
 * {@code synchronous=FULL} has every commit on disk before it returns, so an acknowledged put
 * survives a crash of the process (or the machine). Expiry times are absolute, so TTLs keep
 * counting while the service is down. Writes from all threads meet in group commits ({@link
 * GroupCommit}): one transaction and one fsync for all the writes waiting, each acknowledged only
 * once its transaction is on disk. Reads use a second connection, so they do not wait for fsyncs.
 */
public final class EmbeddedStore implements ValueStore {
    /** The database file inside the directory. */
    public static final String FILE_NAME = "discovery.sqlite";

    private static final String VALUE_BYTES = Capacity.VALUE_OVERHEAD
            + " + length(%1$s.value) + coalesce(length(%1$s.secret_hash), 0)";
    private static final String SIGNED_BYTES = Capacity.SIGNED_OVERHEAD
            + " + length(CAST(%1$s.label AS BLOB)) + length(%1$s.value) + length(%1$s.public_key) + length(%1$s.signature)";

    /**
     * The tables, and the running total of stored bytes ({@link Capacity}) that triggers keep up to
     * date on every insert, update and delete, so purges and removals count themselves out. A
     * database from before the total existed gets it computed once when opened.
     */
    private static final List<String> SCHEMA = List.of("""
            CREATE TABLE IF NOT EXISTS stored_value (
                key         BLOB    NOT NULL,
                value_hash  BLOB    NOT NULL,
                value       BLOB    NOT NULL,
                expires_at  INTEGER NOT NULL,
                secret_hash BLOB,
                PRIMARY KEY (key, value_hash)
            ) WITHOUT ROWID""",
            "CREATE INDEX IF NOT EXISTS stored_value_by_expiry ON stored_value (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS signed_value (
                label         TEXT    NOT NULL,
                principal_hex TEXT    NOT NULL,
                value         BLOB    NOT NULL,
                sequence      INTEGER NOT NULL,
                public_key    BLOB    NOT NULL,
                signature     BLOB    NOT NULL,
                PRIMARY KEY (label, principal_hex)
            ) WITHOUT ROWID""",
            "CREATE TABLE IF NOT EXISTS usage (id INTEGER PRIMARY KEY CHECK (id = 0), bytes INTEGER NOT NULL)",
            "INSERT OR IGNORE INTO usage (id, bytes) VALUES (0, (SELECT coalesce(sum(" + VALUE_BYTES.formatted("v")
                    + "), 0) FROM stored_value v) + (SELECT coalesce(sum(" + SIGNED_BYTES.formatted("s")
                    + "), 0) FROM signed_value s))",
            counter("stored_value_added", "INSERT", "stored_value", "+ (" + VALUE_BYTES.formatted("NEW") + ")"),
            counter("stored_value_changed", "UPDATE", "stored_value",
                    "+ (" + VALUE_BYTES.formatted("NEW") + ") - (" + VALUE_BYTES.formatted("OLD") + ")"),
            counter("stored_value_deleted", "DELETE", "stored_value", "- (" + VALUE_BYTES.formatted("OLD") + ")"),
            counter("signed_value_added", "INSERT", "signed_value", "+ (" + SIGNED_BYTES.formatted("NEW") + ")"),
            counter("signed_value_changed", "UPDATE", "signed_value",
                    "+ (" + SIGNED_BYTES.formatted("NEW") + ") - (" + SIGNED_BYTES.formatted("OLD") + ")"),
            counter("signed_value_deleted", "DELETE", "signed_value", "- (" + SIGNED_BYTES.formatted("OLD") + ")"),
            // Rows per key, expired ones included, kept by triggers: a put counts a key's live values
            // (a scan of up to 1,000 rows) only when this bound says the key may be full. Filling it
            // on every open is a no-op for the keys it has, and counts those of an older database.
            "CREATE TABLE IF NOT EXISTS key_rows (key BLOB PRIMARY KEY, rows INTEGER NOT NULL) WITHOUT ROWID",
            "INSERT OR IGNORE INTO key_rows (key, rows) SELECT key, count(*) FROM stored_value GROUP BY key",
            """
            CREATE TRIGGER IF NOT EXISTS key_rows_added AFTER INSERT ON stored_value BEGIN
                INSERT INTO key_rows (key, rows) VALUES (NEW.key, 1) ON CONFLICT (key) DO UPDATE SET rows = rows + 1;
            END""",
            """
            CREATE TRIGGER IF NOT EXISTS key_rows_deleted AFTER DELETE ON stored_value BEGIN
                UPDATE key_rows SET rows = rows - 1 WHERE key = OLD.key;
                DELETE FROM key_rows WHERE key = OLD.key AND rows <= 0;
            END""");

    private static String counter(String name, String event, String table, String change) {
        return "CREATE TRIGGER IF NOT EXISTS " + name + " AFTER " + event + " ON " + table
                + " BEGIN UPDATE usage SET bytes = bytes " + change + " WHERE id = 0; END";
    }

    private final Path file;
    /** The writing connection: only {@link #writes}' thread uses it. */
    private final Connection db;
    private final GroupCommit writes;
    /** A second connection for reads, which WAL lets run beside the writer's transactions. */
    private final Connection reader;
    private final StatementCache reads;
    private final ReentrantLock readLock = new ReentrantLock();
    private final Purger purger;
    private boolean closed;

    private EmbeddedStore(Path file, Connection db, Connection reader, Duration purgeInterval, CommitHook hook) {
        this.file = file;
        this.db = db;
        this.reader = reader;
        this.reads = new StatementCache(reader);
        this.writes = new GroupCommit(toString(), db, hook);
        this.purger = new Purger("purge " + file, purgeInterval, this::purgeExpired);
    }

    /** Opens (creating DIR and the database if missing) and starts the background purge. */
    public static EmbeddedStore open(StoreLocation.Embedded location) {
        return open(location, Purger.DEFAULT_INTERVAL);
    }

    /** As {@link #open(StoreLocation.Embedded)}, purging every {@code purgeInterval}. */
    public static EmbeddedStore open(StoreLocation.Embedded location, Duration purgeInterval) {
        return open(location, purgeInterval, CommitHook.NONE);
    }

    /** As {@link #open(StoreLocation.Embedded, Duration)}, calling {@code hook} before every commit. */
    static EmbeddedStore open(StoreLocation.Embedded location, Duration purgeInterval, CommitHook hook) {
        Path file = location.directory().toAbsolutePath().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + file.getParent() + ": " + e, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        // Another process on the same file (a second instance, a backup) waits instead of failing.
        config.setBusyTimeout(10_000);
        Connection db = null;
        Connection reader = null;
        try {
            db = config.createConnection("jdbc:sqlite:" + file);
            try (Statement statement = db.createStatement()) {
                for (String sql : SCHEMA) {
                    statement.executeUpdate(sql);
                }
            }
            SQLiteConfig readOnly = new SQLiteConfig();
            readOnly.setReadOnly(true);
            readOnly.setBusyTimeout(10_000);
            reader = readOnly.createConnection("jdbc:sqlite:" + file);
            return new EmbeddedStore(file, db, reader, purgeInterval, hook);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(reader);
            closeQuietly(db);
            throw new StoreException("cannot open the embedded store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Queued for the next group commit ({@link GroupCommit}): returns once the transaction that
     * holds it is on disk. Each put's checks see every write queued before it.
     */
    @Override
    public PutResult put(byte[] key, byte[] value, long expiresAtMillis, byte[] secretHash, long nowMillis,
                         Capacity capacity) {
        byte[] valueHash = Bytes.sha1(value);
        return writes.runOneStatement(sql -> { // reads, then one INSERT
            long oldBytes = 0;
            boolean live = false;
            boolean wasRemovable = false;
            PreparedStatement find = sql.get(
                    "SELECT expires_at, secret_hash IS NOT NULL, length(value) FROM stored_value WHERE key = ? AND value_hash = ?");
            find.setBytes(1, key);
            find.setBytes(2, valueHash);
            try (ResultSet row = find.executeQuery()) {
                if (row.next()) {
                    live = row.getLong(1) > nowMillis;
                    wasRemovable = row.getBoolean(2);
                    oldBytes = Capacity.valueBytes(row.getInt(3), wasRemovable);
                }
            }
            if (!live && rows(sql, key) >= capacity.valuesPerKey() && countLive(sql, key, nowMillis) >= capacity.valuesPerKey()) {
                return PutResult.OVER_CAPACITY;
            }
            long newBytes = Capacity.valueBytes(value.length, secretHash != null || wasRemovable);
            if (newBytes > oldBytes && storedBytes(sql) + newBytes - oldBytes > capacity.storedBytes()) {
                return PutResult.STORAGE_FULL;
            }
            PreparedStatement put = sql.get("""
                    INSERT INTO stored_value (key, value_hash, value, expires_at, secret_hash) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (key, value_hash) DO UPDATE SET
                        expires_at = max(expires_at, excluded.expires_at),
                        secret_hash = coalesce(excluded.secret_hash, secret_hash)""");
            put.setBytes(1, key);
            put.setBytes(2, valueHash);
            put.setBytes(3, value);
            put.setLong(4, expiresAtMillis);
            put.setBytes(5, secretHash);
            put.executeUpdate();
            return PutResult.OK;
        });
    }

    @Override
    public Page get(byte[] key, int maxValues, byte[] placemark, long nowMillis) {
        if (maxValues < 1) {
            throw new IllegalArgumentException("maxValues must be positive: " + maxValues);
        }
        List<StoredValue> values = read(sql -> {
            PreparedStatement get = sql.get("""
                    SELECT value, value_hash, expires_at, secret_hash FROM stored_value
                    WHERE key = ? AND value_hash > ? AND expires_at > ?
                    ORDER BY value_hash LIMIT ?""");
            get.setBytes(1, key);
            get.setBytes(2, placemark);
            get.setLong(3, nowMillis);
            get.setInt(4, maxValues + 1); // one more than asked: tells whether more follow
            List<StoredValue> found = new ArrayList<>();
            try (ResultSet rows = get.executeQuery()) {
                while (rows.next()) {
                    found.add(new StoredValue(rows.getBytes(1), rows.getBytes(2), rows.getLong(3), rows.getBytes(4)));
                }
            }
            return found;
        });
        return Pages.of(values, maxValues);
    }

    @Override
    public boolean remove(byte[] key, byte[] valueHash, byte[] secret) {
        byte[] givenHash = Bytes.sha1(secret);
        return writes.run(sql -> removeIfSecretMatches(sql, key, valueHash, givenHash));
    }

    private static boolean removeIfSecretMatches(StatementCache sql, byte[] key, byte[] valueHash, byte[] givenHash)
            throws SQLException {
        byte[] storedHash;
        PreparedStatement find = sql.get(
                "SELECT secret_hash FROM stored_value WHERE key = ? AND value_hash = ?");
        find.setBytes(1, key);
        find.setBytes(2, valueHash);
        try (ResultSet row = find.executeQuery()) {
            storedHash = row.next() ? row.getBytes(1) : null;
        }
        // Constant time, so response times do not reveal how much of a guessed secret's hash matched.
        if (storedHash == null || !MessageDigest.isEqual(storedHash, givenHash)) {
            return false;
        }
        PreparedStatement delete = sql.get(
                "DELETE FROM stored_value WHERE key = ? AND value_hash = ?");
        delete.setBytes(1, key);
        delete.setBytes(2, valueHash);
        return delete.executeUpdate() == 1;
    }

    @Override
    public int purgeExpired(long nowMillis) {
        return writes.run(sql -> {
            PreparedStatement purge = sql.get("DELETE FROM stored_value WHERE expires_at <= ?");
            purge.setLong(1, nowMillis);
            return purge.executeUpdate();
        });
    }

    @Override
    public SignedResult putSigned(SignedValue value, Capacity capacity) {
        String principal = Bytes.hex(value.principal());
        return writes.run(sql -> {
            long oldBytes = 0;
            PreparedStatement find = sql.get("SELECT sequence, " + SIGNED_BYTES.formatted("s")
                    + " FROM signed_value s WHERE label = ? AND principal_hex = ?");
            find.setString(1, value.label());
            find.setString(2, principal);
            try (ResultSet row = find.executeQuery()) {
                if (row.next()) {
                    if (value.sequence() <= row.getLong(1)) {
                        return SignedResult.NOT_HIGHER;
                    }
                    oldBytes = row.getLong(2);
                }
            }
            long newBytes = Capacity.signedBytes(value);
            if (newBytes > oldBytes && storedBytes(sql) + newBytes - oldBytes > capacity.storedBytes()) {
                return SignedResult.STORAGE_FULL;
            }
            PreparedStatement put = sql.get("""
                    INSERT INTO signed_value (label, principal_hex, value, sequence, public_key, signature)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (label, principal_hex) DO UPDATE SET
                        value = excluded.value, sequence = excluded.sequence,
                        public_key = excluded.public_key, signature = excluded.signature""");
            put.setString(1, value.label());
            put.setString(2, principal);
            put.setBytes(3, value.value());
            put.setLong(4, value.sequence());
            put.setBytes(5, value.publicKey());
            put.setBytes(6, value.signature());
            put.executeUpdate();
            return SignedResult.STORED;
        });
    }

    @Override
    public List<SignedValue> findSigned(String principalPrefix, String label, int limit) {
        String prefix = Bytes.principalPrefix(principalPrefix);
        if (limit < 1) {
            return List.of();
        }
        return read(sql -> {
            PreparedStatement find = sql.get("""
                    SELECT principal_hex, value, sequence, public_key, signature FROM signed_value
                    WHERE label = ? AND principal_hex >= ? AND principal_hex < ?
                    ORDER BY principal_hex LIMIT ?""");
            find.setString(1, label);
            find.setString(2, prefix);
            find.setString(3, Bytes.afterPrefix(prefix));
            find.setInt(4, limit);
            List<SignedValue> found = new ArrayList<>();
            try (ResultSet rows = find.executeQuery()) {
                while (rows.next()) {
                    found.add(new SignedValue(Bytes.unhex(rows.getString(1)), label, rows.getBytes(2),
                            rows.getLong(3), rows.getBytes(4), rows.getBytes(5)));
                }
            }
            return found;
        });
    }

    @Override
    public int count(byte[] key, long nowMillis) {
        return read(sql -> countLive(sql, key, nowMillis));
    }

    /** The key's rows, expired ones included: a bound on its live values that costs one lookup. */
    private static long rows(StatementCache sql, byte[] key) throws SQLException {
        PreparedStatement rows = sql.get("SELECT rows FROM key_rows WHERE key = ?");
        rows.setBytes(1, key);
        try (ResultSet row = rows.executeQuery()) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private static int countLive(StatementCache sql, byte[] key, long nowMillis) throws SQLException {
        PreparedStatement count = sql.get(
                "SELECT count(*) FROM stored_value WHERE key = ? AND expires_at > ?");
        count.setBytes(1, key);
        count.setLong(2, nowMillis);
        try (ResultSet row = count.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    @Override
    public long storedBytes() {
        return read(EmbeddedStore::storedBytes);
    }

    private static long storedBytes(StatementCache sql) throws SQLException {
        try (ResultSet row = sql.get("SELECT bytes FROM usage WHERE id = 0").executeQuery()) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    /**
     * Stops the purge, commits what is queued, then closes the database; later calls throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        purger.close();
        writes.close();
        readLock.lock();
        try {
            if (!closed) {
                closed = true;
                reads.close();
                reader.close();
                db.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing the embedded store " + file + " failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /** Writes waiting for the next group commit (for tests that need a batch to build up). */
    int queuedWrites() {
        return writes.queued();
    }

    @Override
    public String toString() {
        return "embedded store " + file;
    }

    private interface Read<T> {
        T run(StatementCache sql) throws SQLException;
    }

    /**
     * {@code read} on the read connection, one at a time. In WAL mode it sees the last commit,
     * never a transaction of the writer still under way, so nothing not yet on disk.
     */
    private <T> T read(Read<T> read) {
        readLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            return read.run(reads);
        } catch (SQLException e) {
            throw new StoreException(this + " failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }
}
