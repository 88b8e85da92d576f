package org.browsersocket.discovery.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Group commit on a real SQLite file in WAL mode with {@code synchronous=FULL}: writes of many
 * threads share transactions, each keeps its own outcome, and none returns before its commit.
 * What another connection sees is what was committed.
 */
@Timeout(60)
class GroupCommitTest {
    @TempDir
    Path temp;

    /** Holds each commit while {@link #hold} is closed; records every batch's size. */
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch hold = new CountDownLatch(0);

    Connection db;
    GroupCommit commits;
    final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void open() throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        db = config.createConnection("jdbc:sqlite:" + file());
        try (Statement statement = db.createStatement()) {
            statement.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        commits = new GroupCommit("test store", db, writes -> {
            batches.add(writes);
            entered.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        hold.countDown();
        callers.shutdownNow();
        commits.close();
        db.close();
    }

    Path file() {
        return temp.resolve("t.sqlite");
    }

    static GroupCommit.Write<Integer> insert(int id) {
        return sql -> {
            PreparedStatement insert = sql.get("INSERT INTO t (id) VALUES (?)");
            insert.setInt(1, id);
            return insert.executeUpdate();
        };
    }

    Future<Integer> inBackground(GroupCommit.Write<Integer> write) {
        return callers.submit(() -> commits.run(write));
    }

    /** Whether a separate connection (another reader of the file) sees row {@code id}. */
    boolean committed(int id) throws SQLException {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
             PreparedStatement find = other.prepareStatement("SELECT 1 FROM t WHERE id = ?")) {
            find.setInt(1, id);
            try (ResultSet row = find.executeQuery()) {
                return row.next();
            }
        }
    }

    /** Holds the next commit and waits until the writer is in it (so later writes queue up). */
    void holdACommit() throws Exception {
        hold = new CountDownLatch(1);
        Future<Integer> first = inBackground(insert(0));
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer reached a commit");
        assertFalse(first.isDone());
    }

    /** Waits (10 s at most) for {@code condition}; it polls, since the write queue has no event to wait on. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    /** {@code before} and {@code after} inserted one row each; {@code failing} failed with the store's error. */
    static void assertFailsAloneBesideTwoThatLand(Future<Integer> before, Future<Integer> failing, Future<Integer> after)
            throws Exception {
        assertEquals(1, before.get(10, TimeUnit.SECONDS));
        assertEquals(1, after.get(10, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().startsWith("test store failed: "), e.getCause().getMessage());
    }

    @Test
    void writesFromManyThreadsAllLandAndShareTransactions() throws Exception {
        int threads = 32;
        int each = 50;
        holdACommit();
        List<Future<Integer>> writes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writes.add(callers.submit(() -> {
                for (int i = 0; i < each; i++) {
                    commits.run(insert(1 + thread * each + i));
                }
                return each;
            }));
        }
        await(() -> commits.queued() == threads, "every thread's first write is queued");
        hold.countDown();
        for (Future<Integer> write : writes) {
            assertEquals(each, write.get(30, TimeUnit.SECONDS));
        }
        for (int id = 0; id <= threads * each; id++) {
            assertTrue(committed(id), "row " + id);
        }
        assertEquals(threads, batches.get(1), "the writes queued behind a commit go in the next one together");
        assertTrue(batches.size() < 1 + threads * each, batches.size() + " commits for " + (1 + threads * each) + " writes");
    }

    @Test
    void aFailingWriteFailsAloneAndTheOthersInItsTransactionCommit() throws Exception {
        holdACommit();
        Future<Integer> before = inBackground(insert(1));
        await(() -> commits.queued() == 1, "the first write is queued");
        Future<Integer> failing = inBackground(sql -> {
            insert(2).apply(sql); // applied, then undone with the rest of this write
            return insert(1).apply(sql); // the same id again: a constraint violation
        });
        await(() -> commits.queued() == 2, "the failing write is queued");
        Future<Integer> after = inBackground(insert(3));
        await(() -> commits.queued() == 3, "the last write is queued");
        hold.countDown();

        assertFailsAloneBesideTwoThatLand(before, failing, after);
        assertEquals(List.of(1, 3), batches, "one commit held, then one for all three");
        assertTrue(committed(1));
        assertTrue(committed(3));
        assertFalse(committed(2), "what the failed write did before failing is rolled back");
    }

    @Test
    void aFailingOneStatementWriteFailsAloneAndTheOthersOfItsTransactionAreCommittedEachAlone() throws Exception {
        holdACommit();
        Future<Integer> before = callers.submit(() -> commits.runOneStatement(insert(1)));
        await(() -> commits.queued() == 1, "the first write is queued");
        Future<Integer> failing = callers.submit(() -> commits.runOneStatement(insert(1))); // the same id again
        await(() -> commits.queued() == 2, "the failing write is queued");
        Future<Integer> after = callers.submit(() -> commits.runOneStatement(insert(3)));
        await(() -> commits.queued() == 3, "the last write is queued");
        hold.countDown();

        assertFailsAloneBesideTwoThatLand(before, failing, after);
        assertEquals(List.of(1, 1, 1), batches, "one commit held; the transaction of the failing write given up"
                + " before its commit; then the two others each alone (the failing one fails again before committing)");
        assertTrue(committed(1));
        assertTrue(committed(3));
    }

    @Test
    void aWriteReturnsOnlyAfterItsCommit() throws Exception {
        hold = new CountDownLatch(1);
        CompletableFuture<Boolean> seenWhenAcknowledged = new CompletableFuture<>();
        callers.submit(() -> {
            commits.run(insert(7));
            seenWhenAcknowledged.complete(committed(7));
            return null;
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer reached the commit");
        assertFalse(seenWhenAcknowledged.isDone(), "acknowledged while its commit was still held");
        assertFalse(committed(7), "visible before its commit");
        hold.countDown();
        assertTrue(seenWhenAcknowledged.get(10, TimeUnit.SECONDS), "committed by the time it was acknowledged");
    }

    @Test
    void closingCommitsWhatIsQueuedAndThenRefusesWrites() throws Exception {
        holdACommit();
        Future<Integer> queued = inBackground(insert(1));
        await(() -> commits.queued() == 1, "a write is queued");
        Future<?> closing = callers.submit(commits::close);
        hold.countDown();
        closing.get(10, TimeUnit.SECONDS);
        assertEquals(1, queued.get(10, TimeUnit.SECONDS));
        assertTrue(committed(1));
        assertThrows(IllegalStateException.class, () -> commits.run(insert(2)));
    }
}
