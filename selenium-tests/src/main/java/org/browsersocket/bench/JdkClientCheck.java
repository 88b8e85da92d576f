package org.browsersocket.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's {@link HttpClient} as a closed-loop load (one thread per connection, blocking sends,
 * HTTP/1.1 keep-alive, bodies discarded): what the benchmark's Netty client is checked against,
 * to show whether a client would bound the native server's figures.
 */
final class JdkClientCheck {
    /** @param processCores CPU of this whole JVM during the window, in cores busy */
    record Result(double requestsPerSecond, long failures, double processCores) {
    }

    private JdkClientCheck() {}

    static Result run(String url, int connections, Duration warmup, Duration window) throws InterruptedException {
        if (connections < 1 || connections > 256) {
            throw new IllegalArgumentException("connections must be 1 to 256");
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        AtomicLong answered = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(connections, r -> {
            Thread t = new Thread(r, "jdk-client-check");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < connections; i++) {
                threads.execute(() -> {
                    while (!stop.get()) {
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (counting.get()) {
                                (status == 200 ? answered : failures).incrementAndGet();
                            }
                        } catch (java.io.IOException e) {
                            failures.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            counting.set(true);
            TimeUnit.NANOSECONDS.sleep(window.toNanos());
            counting.set(false);
            long nanos = System.nanoTime() - start;
            long cpu = processCpuNanos() - cpuBefore;
            return new Result(answered.get() / (nanos / 1e9), failures.get(), (double) cpu / nanos);
        } finally {
            stop.set(true);
            threads.shutdownNow();
            threads.awaitTermination(15, TimeUnit.SECONDS);
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
