package org.browsersocket.discovery.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/** A real, throwaway redis-server on a free loopback port, without persistence. */
public final class RedisServer implements AutoCloseable {
    static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

    private final Process process;
    final int port;
    final Path log;

    private RedisServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts one and waits until it answers PING; fails (never skips) when Redis is not installed. */
    public static RedisServer start(Path logDirectory) throws Exception {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: the Redis store tests need a real Redis."
                    + " `make test` installs it (as root); or run: apt-get install redis-server");
        }
        // A free port can be taken between choosing and binding; then the server exits and we try another.
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log = logDirectory.resolve("redis-" + port + ".log");
            Process process = new ProcessBuilder(EXECUTABLE.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RedisServer server = new RedisServer(process, port, log);
            try {
                server.awaitPing(TimeUnit.SECONDS.toNanos(15));
                return server;
            } catch (Exception e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    public StoreLocation.Redis location() {
        return new StoreLocation.Redis("127.0.0.1", port);
    }

    JedisPooled client() {
        return new JedisPooled("127.0.0.1", port);
    }

    private void awaitPing(long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        try (JedisPooled client = client()) {
            while (true) {
                try {
                    if ("PONG".equals(client.ping())) {
                        return;
                    }
                } catch (JedisException notYet) {
                    // Not listening yet.
                }
                // Waits for the next try, or notices at once that the server exited.
                if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + logText());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not answer PING in time: " + logText());
                }
            }
        }
    }

    private String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
