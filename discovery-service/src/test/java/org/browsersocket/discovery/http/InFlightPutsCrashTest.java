package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged puts survive {@code kill -9} while many are in flight: 48 concurrent clients put
 * 10,000 values through the JSON API of a service process whose puts meet in group commits; once
 * half are acknowledged the process is killed, and after a restart on the same store every put
 * that was acknowledged is there.
 */
class InFlightPutsCrashTest {
    static final int PUTS = 10_000;
    static final int CLIENTS = 48; // under the 64 connections one client address may hold
    static final int NAMES = 100; // 100 values a name, well within a key's capacity
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(180)
    void everyAcknowledgedPutOfTenThousandFromManyClientsIsThereAfterKill9(@TempDir Path data) throws Exception {
        Path store = data.resolve("store");
        // The store's durability is under test, not the limits a public instance puts on one address.
        ServiceCrashTest.Service first = ServiceCrashTest.start(store,
                "--writes-per-second", "1000000", "--puts-per-name-per-minute", "1000000");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch half = new CountDownLatch(PUTS / 2);
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<String>> runs = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                runs.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < PUTS; i = next.getAndIncrement()) {
                        HttpResponse<String> answer;
                        try {
                            answer = http.send(put(first.port(), i), HttpResponse.BodyHandlers.ofString());
                        } catch (IOException killed) {
                            return "stopped by " + killed; // never acknowledged, so not counted
                        }
                        if (answer.statusCode() != 200 || JSON.readTree(answer.body()).get("result").asInt() != 0) {
                            return "put " + i + " refused: " + answer.statusCode() + " " + answer.body();
                        }
                        acknowledged.add(i);
                        half.countDown();
                    }
                    return "done";
                }));
            }
            assertTrue(half.await(120, TimeUnit.SECONDS), "only " + acknowledged.size() + " puts acknowledged");
        } finally {
            first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
        }
        for (Future<String> run : runs) {
            String end = run.get(60, TimeUnit.SECONDS);
            assertTrue(end.equals("done") || end.startsWith("stopped by"), end);
        }
        clients.shutdown();
        Set<Integer> acked = Set.copyOf(acknowledged);
        assertTrue(acked.size() < PUTS, "the kill came while puts were still in flight");

        ServiceCrashTest.Service second = ServiceCrashTest.start(store);
        try {
            Set<String> present = new HashSet<>();
            for (int n = 0; n < NAMES; n++) {
                JsonNode values = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + second.port() + "/v1/values/n" + n + "?max=1000")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).get("values");
                values.forEach(v -> present.add(v.get("value").asText()));
            }
            List<Integer> lost = acked.stream().filter(i -> !present.contains(value(i))).sorted().toList();
            assertEquals(List.of(), lost, "acknowledged puts lost (of " + acked.size() + " acknowledged)");
        } finally {
            second.process().destroy();
            second.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static HttpRequest put(int port, int i) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/values/n" + (i % NAMES)))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value(i) + "\",\"ttl\":3600}")).build();
    }

    static String value(int i) {
        return "v" + i;
    }
}
