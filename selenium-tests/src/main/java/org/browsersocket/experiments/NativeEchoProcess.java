package org.browsersocket.experiments;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The native Java-WebSocket echo server in a process of its own, whose memory E3 reads. */
final class NativeEchoProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private NativeEchoProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static NativeEchoProcess start() throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.browsersocket.bench.EchoServers")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("listening ")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "native-echo-output");
                drain.setDaemon(true);
                drain.start();
                return new NativeEchoProcess(process, Integer.parseInt(line.substring("listening ".length()).trim()));
            }
        }
        process.destroyForcibly();
        throw new IOException("the native echo server process did not start");
    }

    String url() {
        return "ws://127.0.0.1:" + port + "/";
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
