package org.browsersocket.experiments.addressing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Short commands run to their end (netlab.sh, ip, id), with their output collected. */
final class Commands {
    private Commands() {
    }

    record Result(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\n" + out + err;
        }

        /** The first non-blank line the command printed (stdout first), for a one-line message. */
        String firstLine() {
            for (String text : List.of(out, err)) {
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        return line.strip();
                    }
                }
            }
            return "exit " + exit;
        }
    }

    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(timeout, Map.of(), command);
    }

    /** Runs {@code command} to its end, at most {@code timeout}, collecting its output. */
    static Result run(Duration timeout, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        FutureTask<String> out = readAll(process.getInputStream());
        FutureTask<String> err = readAll(process.getErrorStream());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", command) + " did not end within "
                    + timeout.toSeconds() + " s");
        }
        try {
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS),
                    err.get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("reading the output of " + String.join(" ", command), e);
        }
    }

    private static FutureTask<String> readAll(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        Thread thread = new Thread(task, "command output");
        thread.setDaemon(true);
        thread.start();
        return task;
    }
}
