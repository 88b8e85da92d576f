package org.browsersocket.experiments.addressing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running process (a service, a runtime, a chromedriver) whose output is collected and
 * which counts as ready once it printed a line the caller recognises.
 */
final class LabProcess {
    private final String name;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);

    private LabProcess(String name, Process process, Predicate<String> readyLine) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll(); // for awaitOutput
                    }
                    if (readyLine.test(line)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                output.append("(reading the output failed: ").append(e).append(")\n");
            } finally {
                ended.countDown();
                synchronized (output) {
                    output.notifyAll();
                }
            }
        }, name + " output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} (stdout and stderr merged); ready once a line matches {@code readyLine}. */
    static LabProcess start(String name, List<String> command, Predicate<String> readyLine) throws IOException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        return new LabProcess(name, process, readyLine);
    }

    String name() {
        return name;
    }

    /** Waits until the process said it is ready; fails with its output if it ends or is too slow. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(20, TimeUnit.MILLISECONDS)) {
            if (ended.getCount() == 0 && ready.getCount() != 0) {
                throw new IOException(name + " ended before it was ready (exit "
                        + (process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1) + "): " + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s: " + tail());
            }
        }
    }

    /** Waits until some line of its output (so far or to come) matches; false after {@code timeout}. */
    boolean awaitOutput(Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                if (lines(line).size() > 0) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (ended.getCount() == 0 || left <= 0) {
                    return false;
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))); // woken by each new line
            }
        }
    }

    /** Every line of its output so far that matches. */
    List<String> lines(Predicate<String> line) {
        return java.util.Arrays.stream(output.toString().split("\n")).filter(line).toList();
    }

    /** The last lines of its output, on one line. */
    String tail() {
        String all = output.toString().strip();
        if (all.length() > 600) {
            all = "…" + all.substring(all.length() - 600);
        }
        return all.replace('\n', '|');
    }

    /** SIGTERM, then SIGKILL after {@code grace}; true if it had to be killed. */
    boolean stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return false;
        }
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return true;
    }
}
