package org.browsersocket.experiments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A native server in a process of its own, whose memory (E3) or CPU time (E8) is read apart from
 * the load generator's: by default the Java-WebSocket echo server. The process prints
 * {@code listening PORT} when it is ready and stops on SIGTERM.
 */
public final class NativeEchoProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private NativeEchoProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static NativeEchoProcess start() throws IOException {
        return start(org.browsersocket.bench.EchoServers.class);
    }

    /** The server whose {@code main} is in {@code mainClass}, on this JVM's class path. */
    public static NativeEchoProcess start(Class<?> mainClass) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass.getName())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("listening ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the server stopped and its output closed under the reader
                    }
                }, "native-server-output");
                drain.setDaemon(true);
                drain.start();
                return new NativeEchoProcess(process, Integer.parseInt(line.substring("listening ".length()).trim()));
            }
        }
        process.destroyForcibly();
        throw new IOException("the native server process (" + mainClass.getSimpleName() + ") did not start");
    }

    String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
