package org.browsersocket.runtime.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime whose process may open only 512 files, flooded with silent connections to its public
 * port: it sheds new public connections before its descriptors run out, so its loopback control
 * endpoint (the status page, pages' scripts and control channels) keeps answering.
 */
class DescriptorSheddingTest {
    @TempDir
    Path configDir;

    @Test
    void whenFileDescriptorsRunShortNewPeersAreShedAndTheControlEndpointKeepsAnswering() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process runtime = new ProcessBuilder("bash", "-c",
                "ulimit -n 512 && exec \"$0\" -cp \"$1\" org.browsersocket.runtime.Main --control-port 0 --public-port 0"
                        + " --allow-origin http://localhost:8080 --config-dir \"$2\"",
                java, System.getProperty("java.class.path"), configDir.toString()).start();
        List<java.net.Socket> flood = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        CompletableFuture<Void> stderr = CompletableFuture.runAsync(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(runtime.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
            int control = -1;
            int pub = -1;
            Pattern port = Pattern.compile("(control|public) +\\S+://[^:]+(?::[^:\\]]*\\])?:(\\d+)/");
            while (control < 0 || pub < 0) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("the runtime exited: " + log);
                }
                Matcher m = port.matcher(line);
                if (m.find()) {
                    if (m.group(1).equals("control")) {
                        control = Integer.parseInt(m.group(2));
                    } else {
                        pub = Integer.parseInt(m.group(2));
                    }
                }
            }
            for (int i = 0; i < 700; i++) {
                java.net.Socket socket = new java.net.Socket();
                socket.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", pub), 5_000);
                flood.add(socket);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/status.json"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control + "/browsersocket.js"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!logContains(log, "short of file descriptors") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(logContains(log, "shedding new public connections: the runtime is short of file descriptors"), log.toString());
            assertTrue(!logContains(log, "Too many open files"), log.toString());
        } finally {
            for (java.net.Socket socket : flood) {
                socket.close();
            }
            runtime.destroy();
            runtime.waitFor(10, TimeUnit.SECONDS);
            stderr.cancel(true);
        }
    }

    private static boolean logContains(StringBuilder log, String text) {
        synchronized (log) {
            return log.indexOf(text) >= 0;
        }
    }
}
