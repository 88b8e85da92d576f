package org.browsersocket.runtime.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host runtime as its own process ({@code java -cp <test class path> org.browsersocket.runtime.Main}),
 * on free ports (read from what it prints), with its configuration directory in {@code configDir}
 * so that the user's real one is never touched. Its output is collected line by line.
 */
public final class RuntimeProcess implements AutoCloseable {
    private static final Pattern CONTROL = Pattern.compile("host-runtime listening: control +http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PUBLIC = Pattern.compile("host-runtime listening: public +ws://[^ ]*:(\\d+)/");
    /** The last line Main prints while starting (right before it installs its SIGTERM hook). */
    private static final String STARTED = "host-runtime: other sites ask first";

    private final Process process;
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    private int controlPort;
    private int publicPort;

    private RuntimeProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts the runtime allowing {@code origin}; returns once it printed both ports and its last
     * start-up line (within 30 s), and answered a request on its control port.
     */
    public static RuntimeProcess start(Path configDir, String origin) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and the serial collector: the runtime starts faster, and behaves the same.
        Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                "org.browsersocket.runtime.Main", "--control-port", "0", "--public-port", "0",
                "--allow-origin", origin, "--config-dir", configDir.toString(),
                "--no-port-mapping") // tests never talk to the machine's real gateway
                .redirectErrorStream(true).start();
        RuntimeProcess runtime = new RuntimeProcess(process);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> runtime.read(ready), "runtime-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the runtime did not start within 30 s; it printed " + runtime.output(), e);
        }
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/status.json")).build(),
                HttpResponse.BodyHandlers.discarding());
        return runtime;
    }

    private void read(CompletableFuture<Void> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                Matcher control = CONTROL.matcher(line);
                Matcher pub = PUBLIC.matcher(line);
                if (control.find()) {
                    controlPort = Integer.parseInt(control.group(1));
                } else if (pub.find() && publicPort == 0) {
                    publicPort = Integer.parseInt(pub.group(1));
                }
                if (controlPort != 0 && publicPort != 0 && line.startsWith(STARTED)) {
                    ready.complete(null);
                }
            }
        } catch (java.io.IOException e) {
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new AssertionError("the runtime's output ended"));
            outputEnded.complete(null);
        }
    }

    public Process process() {
        return process;
    }

    /**
     * Sends SIGTERM, as {@link Process#destroy()} does, but through the process handle: {@code destroy()}
     * also closes our ends of the process's pipes, so what it prints while stopping would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + controlPort;
    }

    public int publicPort() {
        return publicPort;
    }

    /** Everything the process printed so far (and, once it exited, everything it printed). */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Waits up to {@code seconds} for the process to exit and its output to be read; the exit code, or null if it still runs. */
    public Integer awaitExit(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return null;
        }
        outputEnded.get(seconds, TimeUnit.SECONDS);
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
