package org.browsersocket.discovery.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The script calls of many threads sent to Redis together: a sender thread takes every call
 * queued (at most {@link #MAX_BATCH}), writes them on one connection as one pipeline, reads the
 * answers, and only then gives each caller its own. A few senders take turns, each with a
 * pipeline of its own in flight. Redis runs each script atomically as before
 * and, with {@code appendfsync always}, answers none of them before its write is fsynced; the
 * calls of one pipeline share round trips, system calls and, as Redis reads them in one go, fsyncs.
 *
 * <p>Each call keeps its own outcome: a script error fails that call only. A script Redis does
 * not know yet (first use, a restart, SCRIPT FLUSH) is sent again in full, which also loads it. A
 * broken connection fails the calls of that pipeline (whether Redis ran them is unknown, as for a
 * call of its own), and the next pipeline takes another connection from the pool.
 */
final class ScriptPipeline implements AutoCloseable {
    /** Most calls in one pipeline: bounds the wait of its first caller. */
    static final int MAX_BATCH = 1000;
    /** Most calls waiting; more callers wait until there is room, so memory stays bounded. */
    static final int MAX_QUEUED = 4096;

    private record Call(RedisScript script, List<byte[]> keys, List<byte[]> args, CompletableFuture<Object> answer) {}

    /** Queued by {@link #close()} after the last call: the sender stops when it takes this. */
    private static final Call STOP = new Call(null, List.of(), List.of(), new CompletableFuture<>());

    private final String name;
    private final JedisPooled redis;
    private final BlockingQueue<Call> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    /** Queuing holds it shared and closing exclusively, so nothing is queued behind STOP. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final List<Thread> senders = new ArrayList<>();
    private boolean closed;

    /**
     * Starts {@code senders} senders, each borrowing a connection from {@code redis}' pool for each
     * pipeline. More than one keeps Redis busy while a sender hands out answers and gathers its
     * next batch.
     */
    ScriptPipeline(String name, JedisPooled redis, int senders) {
        this.name = name;
        this.redis = redis;
        for (int i = 0; i < senders; i++) {
            Thread sender = new Thread(this::sendAll, "pipeline " + i + " " + name);
            sender.setDaemon(true);
            sender.start();
            this.senders.add(sender);
        }
    }

    /**
     * Runs {@code script} in the next pipeline; returns its answer once Redis gave it.
     *
     * @throws StoreException when Redis answered with an error or could not be reached
     * @throws IllegalStateException when closed
     */
    Object run(RedisScript script, List<byte[]> keys, List<byte[]> args) {
        Call call = new Call(script, keys, args, new CompletableFuture<>());
        gate.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            enqueue(call);
        } finally {
            gate.readLock().unlock();
        }
        return await(call.answer());
    }

    /** Sends what is queued, then stops the senders and waits for them. */
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
        for (int i = 0; i < senders.size(); i++) {
            enqueue(STOP);
        }
        boolean interrupted = false;
        for (Thread sender : senders) {
            while (sender.isAlive()) {
                try {
                    sender.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendAll() {
        List<Call> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            batch.add(take());
            queue.drainTo(batch, MAX_BATCH - 1);
            // STOPs come only after every call; one is this sender's, any more are the others'.
            int stops = 0;
            while (batch.remove(STOP)) {
                stops++;
            }
            for (int i = 1; i < stops; i++) {
                enqueue(STOP);
            }
            try {
                send(batch, false);
            } catch (RuntimeException | Error e) {
                // Not an answer of Redis (those are handled per call): no caller may be left waiting.
                fail(batch, e);
            }
            if (stops > 0) {
                return;
            }
        }
    }

    /** Sends {@code calls} by SHA-1, or in full ({@code inFull}); resends those Redis did not know in full. */
    private void send(List<Call> calls, boolean inFull) {
        if (calls.isEmpty()) {
            return;
        }
        List<Call> unknown = new ArrayList<>();
        try (Pipeline pipeline = redis.pipelined()) {
            List<Response<Object>> answers = new ArrayList<>(calls.size());
            for (Call call : calls) {
                answers.add(inFull ? pipeline.eval(call.script().source(), call.keys(), call.args())
                        : pipeline.evalsha(call.script().sha1(), call.keys(), call.args()));
            }
            pipeline.sync();
            for (int i = 0; i < calls.size(); i++) {
                Call call = calls.get(i);
                try {
                    call.answer().complete(answers.get(i).get());
                } catch (JedisNoScriptException e) {
                    unknown.add(call); // not run: safe to send again
                } catch (JedisDataException e) {
                    call.answer().completeExceptionally(new StoreException(name + " failed: " + e.getMessage(), e));
                }
            }
        } catch (JedisException e) {
            fail(calls, e);
            return;
        }
        if (!inFull) {
            send(unknown, true);
        }
    }

    private void fail(List<Call> calls, Throwable e) {
        for (Call call : calls) {
            call.answer().completeExceptionally(new StoreException(name + " failed: " + e.getMessage(), e));
        }
    }

    private Call take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // Only close() stops the sender, so that no queued call is left without an answer.
            }
        }
    }

    /** Waits for room uninterruptibly, as a caller waiting for a pooled connection did. */
    private void enqueue(Call call) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(call);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The answer, waiting uninterruptibly: once queued, the call is sent whatever this thread does. */
    private static Object await(CompletableFuture<Object> answer) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return answer.get();
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
