package org.browsersocket.discovery.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The writes of many threads on one SQLite connection, many to a transaction. A writer thread
 * takes everything queued (at most {@link #MAX_BATCH}), applies each write in a savepoint of its
 * own, commits once, and only then gives each caller its outcome. With {@code synchronous=FULL}
 * a commit is on disk when it returns, so a write is still acknowledged only once durable; the
 * batch shares one fsync instead of paying one each, which is what bounds the write rate.
 *
 * <p>Each write's outcome is what it would be alone: a write that fails (an SQL error) is rolled
 * back to its savepoint and the others in its transaction go on; a write that changes the
 * database with one statement has no savepoint ({@link #runOneStatement}), and when it fails the
 * transaction is given up as below. Writes apply in the order they
 * were queued and see the ones before them, as if each had its own transaction. Should the
 * transaction itself fail (BEGIN, a savepoint or COMMIT), nothing of it is kept and each of its
 * writes is run again in a transaction of its own.
 */
final class GroupCommit implements AutoCloseable {
    /** Most writes in one transaction: bounds its length, and the wait of its first caller. */
    static final int MAX_BATCH = 1000;
    /** Most writes waiting; more callers wait until there is room, so memory stays bounded. */
    static final int MAX_QUEUED = 4096;

    /** One write: its statements on the connection, inside a transaction the writer owns. */
    interface Write<T> {
        T apply(StatementCache sql) throws SQLException;
    }

    /**
     * A queued write and its caller's future; {@code oneStatement}: the write changes the database
     * with at most one statement, which SQLite undoes by itself when it fails, so it needs no
     * savepoint of its own.
     */
    private record Pending<T>(Write<T> write, boolean oneStatement, CompletableFuture<T> outcome) {}

    /** Queued by {@link #close()} after the last write: the writer stops when it takes this. */
    private static final Pending<Void> STOP = new Pending<>(sql -> null, true, new CompletableFuture<>());

    private final String name;
    private final StatementCache sql;
    private final CommitHook hook;
    private final BlockingQueue<Pending<?>> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    /** Queuing holds it shared and closing exclusively, so nothing is queued behind STOP. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Thread writer;
    private boolean closed;

    /** Starts the writer; {@code name} names the store in errors. */
    GroupCommit(String name, Connection db, CommitHook hook) {
        this.name = name;
        this.sql = new StatementCache(db);
        this.hook = hook;
        this.writer = new Thread(this::writeAll, "commit " + name);
        // A store nobody closes must not keep the JVM alive; whatever was acknowledged is on disk.
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Runs {@code write} in the next transaction and returns its result once that transaction is
     * committed (an SQL error: {@link StoreException}, after which nothing of it is kept).
     *
     * @throws IllegalStateException when closed
     */
    <T> T run(Write<T> write) {
        return run(write, false);
    }

    /**
     * As {@link #run(Write)}, for a write that reads what it likes but changes the database with
     * at most one statement (with its triggers): a failing statement leaves nothing behind, so the
     * savepoint (two more statements per write) is left out.
     */
    <T> T runOneStatement(Write<T> write) {
        return run(write, true);
    }

    private <T> T run(Write<T> write, boolean oneStatement) {
        Pending<T> pending = new Pending<>(write, oneStatement, new CompletableFuture<>());
        gate.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            enqueue(pending);
        } finally {
            gate.readLock().unlock();
        }
        return await(pending.outcome());
    }

    /** Writes queued and not yet taken by the writer (for tests that need a batch to build up). */
    int queued() {
        return queue.size();
    }

    /** Runs what is queued, stops the writer and waits for it; the connection stays open. */
    @Override
    public void close() {
        gate.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            gate.writeLock().unlock();
        }
        enqueue(STOP);
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeAll() {
        List<Pending<?>> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            batch.add(take());
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP); // only ever last: nothing is queued after it
            try {
                commitBatch(batch);
            } catch (RuntimeException | Error e) {
                // Not from a write (those are caught per write): no caller may be left waiting.
                for (Pending<?> pending : batch) {
                    pending.outcome().completeExceptionally(new StoreException(name + " failed: " + e, e));
                }
            }
            if (stop) {
                closeStatements();
                return;
            }
        }
    }

    private void commitBatch(List<Pending<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Object> results = new ArrayList<>(batch.size());
        try {
            // IMMEDIATE takes SQLite's write lock at once, so another process on the same file
            // cannot write between a write's reads and its writes.
            sql.execute("BEGIN IMMEDIATE");
            try {
                for (Pending<?> pending : batch) {
                    // A one-statement write that fails ends the transaction (below): each write of it
                    // is then run alone. Failures are rare; whether SQLite kept the transaction
                    // open after one cannot be told without a savepoint.
                    results.add(pending.oneStatement() ? pending.write().apply(sql) : applyInSavepoint(pending.write()));
                }
                hook.beforeCommit(batch.size());
                sql.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
        } catch (SQLException | RuntimeException transactionFailed) {
            // Nothing of this transaction is kept: each write gets what it would get alone.
            for (Pending<?> pending : batch) {
                commitAlone(pending);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i));
        }
    }

    /**
     * The write's result, or the {@link Failed} it ended with, rolled back to its savepoint. Should
     * SQLite have ended the whole transaction on the error (disk full, I/O error), rolling back to
     * the savepoint fails: the caller gives up the transaction rather than let later writes run
     * outside it.
     */
    private Object applyInSavepoint(Write<?> write) throws SQLException {
        sql.execute("SAVEPOINT one_write");
        Object result;
        try {
            result = write.apply(sql);
        } catch (SQLException | RuntimeException e) {
            sql.execute("ROLLBACK TO one_write");
            sql.execute("RELEASE one_write");
            return new Failed(e);
        }
        sql.execute("RELEASE one_write");
        return result;
    }

    private void commitAlone(Pending<?> pending) {
        Object result;
        try {
            sql.execute("BEGIN IMMEDIATE");
            try {
                result = pending.write().apply(sql);
                hook.beforeCommit(1);
                sql.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            result = new Failed(e);
        }
        complete(pending, result);
    }

    /** How a write ended that threw instead of returning. */
    private record Failed(Exception cause) {}

    @SuppressWarnings("unchecked")
    private void complete(Pending<?> pending, Object result) {
        CompletableFuture<Object> outcome = (CompletableFuture<Object>) pending.outcome();
        if (result instanceof Failed failed) {
            Exception cause = failed.cause();
            outcome.completeExceptionally(cause instanceof SQLException
                    ? new StoreException(name + " failed: " + cause.getMessage(), cause) : cause);
        } else {
            outcome.complete(result);
        }
    }

    private void rollbackQuietly() {
        try {
            sql.execute("ROLLBACK");
        } catch (SQLException alreadyGone) {
            // SQLite ends a transaction by itself on some errors; then there is nothing to roll back.
        }
    }

    private void closeStatements() {
        try {
            sql.close();
        } catch (SQLException e) {
            // The connection is closed next, which frees them anyway.
        }
    }

    private Pending<?> take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Only close() stops the writer, so that no queued write is left without an outcome.
            }
        }
    }

    /** Waits for room, as a caller of the old one-lock store waited for the lock: uninterruptibly. */
    private void enqueue(Pending<?> pending) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(pending);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The outcome, waiting uninterruptibly: once queued, the write happens or not whatever this
     * thread does, so giving up early would only hide which.
     */
    private static <T> T await(CompletableFuture<T> outcome) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new StoreException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
