package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledged puts survive {@code kill -9} of the service process and a restart on the same store. */
class ServiceCrashTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://0\\.0\\.0\\.0:(\\d+)");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Service(Process process, int port) {}

    static Service start(Path store) throws Exception {
        return start(store, "--puts-per-name-per-minute", "1000");
    }

    /** The service in a process of its own on {@code store}, with {@code flags} added to its command line. */
    static Service start(Path store, String... flags) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.browsersocket.discovery.Main",
                "--port", "0", "--store", "embedded:" + store));
        command.addAll(List.of(flags));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new Service(process, Integer.parseInt(m.group(1)));
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the discovery service did not start");
    }

    @Test
    void everyAcknowledgedPutIsThereAfterKill9AndRestart(@TempDir Path data) throws Exception {
        int n = 100;
        Service first = start(data.resolve("store"));
        try {
            for (int i = 0; i < n; i++) {
                HttpResponse<String> ack = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.port()
                        + "/v1/values/crash")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"v" + i + "\",\"ttl\":3600}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ack.statusCode(), ack.body());
            }
        } finally {
            first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            first.process().waitFor(10, TimeUnit.SECONDS);
        }
        Service second = start(data.resolve("store"));
        try {
            JsonNode values = new ObjectMapper().readTree(CLIENT.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + second.port() + "/v1/values/crash?max=1000")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("values");
            assertEquals(n, values.size());
            List<String> texts = new java.util.ArrayList<>();
            values.forEach(v -> texts.add(v.get("value").asText()));
            for (int i = 0; i < n; i++) {
                assertEquals(true, texts.contains("v" + i), "v" + i);
            }
        } finally {
            second.process().destroy();
            second.process().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
