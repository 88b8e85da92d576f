package org.browsersocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.browsersocket.discovery.http.DiscoveryServer;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.http.Listen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** wrk as the benchmarks drive it: when a warm-up is over, how its latencies read, and the discovery scripts against a real service. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WrkRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void warmUpEndsOnlyAfterSixRunsOnceTwoRunsInARowRoseLessThanFivePercent() {
        assertFalse(WrkRun.steady(List.of()));
        assertFalse(WrkRun.steady(List.of(2794.0, 2905.0, 2213.0)), "too early, however flat");
        assertFalse(WrkRun.steady(List.of(1000.0, 2000.0, 4000.0, 7800.0, 7840.0, 9832.0)), "still rising");
        assertFalse(WrkRun.steady(List.of(1000.0, 2000.0, 4000.0, 4000.0, 7800.0, 7840.0)),
                "one flat run after a rise: compilation may go on");
        assertTrue(WrkRun.steady(List.of(1000.0, 2000.0, 4000.0, 7800.0, 7840.0, 7900.0)));
        assertTrue(WrkRun.steady(List.of(1000.0, 2000.0, 4000.0, 10000.0, 9000.0, 9100.0)), "a fall is not a rise");
    }

    @Test
    void wrkLatenciesReadAsMilliseconds() {
        assertEquals(0.812, WrkRun.millis("812.00us"), 1e-9);
        assertEquals(3.12, WrkRun.millis("3.12ms"), 1e-9);
        assertEquals(1020.0, WrkRun.millis("1.02s"), 1e-9);
        assertEquals(120_000.0, WrkRun.millis("2.00m"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> WrkRun.millis("3.12"));
    }

    @Test
    void aPutAnsweredWithAnotherResultThanZeroCountsAsAnError() throws Exception {
        HttpServer refusing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        byte[] overCapacity = "{\"result\":1,\"status\":\"over capacity\"}".getBytes(StandardCharsets.UTF_8);
        refusing.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, overCapacity.length);
            exchange.getResponseBody().write(overCapacity);
            exchange.close();
        });
        refusing.start();
        try {
            String base = "http://127.0.0.1:" + refusing.getAddress().getPort() + "/";
            WrkRun puts = WrkRun.once(new WrkRun.Load(base, 2, 1, Optional.of(WrkRun.script("discovery-put.lua"))), List.of());
            assertTrue(puts.requests() > 0);
            assertTrue(puts.errors().startsWith(WrkRun.REJECTED), "errors: " + puts.errors());
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void thePutScriptStoresANewValueWithEveryRequestAndTheGetScriptReadsThem(@TempDir Path data) throws Exception {
        assertTrue(WrkRun.available(), "wrk is installed by tools/install-deps.sh for make test");
        DiscoveryLimits unlimited = new DiscoveryLimits(1e9, 1e9, DiscoveryLimits.DEFAULTS.maxStoredBytes(),
                DiscoveryLimits.DEFAULTS.watchesPerClient(), DiscoveryLimits.DEFAULTS.maxWatches());
        DiscoveryServer server = new DiscoveryServer(Listen.everywhere(0), new StoreLocation.Embedded(data.resolve("store")), unlimited);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port() + "/";
            long began = System.currentTimeMillis() / 1000;
            WrkRun puts = WrkRun.once(new WrkRun.Load(base, 4, 1, Optional.of(WrkRun.script("discovery-put.lua")))
                    .servedBy(List.of(ProcessHandle.current().pid())), List.of());
            long ended = System.currentTimeMillis() / 1000;
            assertEquals("", puts.errors(), "every put acknowledged with 200 and result 0");
            assertTrue(puts.requests() > 0, "puts: " + puts);
            assertTrue(puts.serverCores() > 0 && puts.serverCpuMicrosPerRequest() > 0, "the service's CPU time: " + puts);
            assertTrue(puts.machineCores() >= puts.serverCores() * 0.9, "the machine's busy time includes the service's: " + puts);

            // The script's names carry the second its run began, and each of wrk's two threads has its own.
            Set<String> stored = new HashSet<>();
            int names = 0;
            HttpClient http = HttpClient.newHttpClient();
            for (long run = began; run <= ended; run++) {
                for (int thread = 0; thread < 2; thread++) {
                    for (int i = 0; i < 64; i++) {
                        HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(
                                base + "v1/values/bench-" + run + "-" + thread + "-0-" + i + "?max=1000")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, got.statusCode());
                        JsonNode values = JSON.readTree(got.body()).get("values");
                        names += values.isEmpty() ? 0 : 1;
                        values.forEach(v -> stored.add(v.get("value").asText()));
                    }
                }
            }
            // Responses in flight when wrk stops are stored but not counted: at most one per connection.
            assertTrue(stored.size() >= puts.requests() && stored.size() <= puts.requests() + 4,
                    stored.size() + " distinct values stored for " + puts.requests() + " puts counted");
            assertEquals(128, names, "each thread's puts spread over 64 names");

            DiscoveryBench.fillGetNames(base);
            WrkRun gets = WrkRun.once(new WrkRun.Load(base, 4, 1, Optional.of(WrkRun.script("discovery-get.lua"))), List.of());
            assertEquals("", gets.errors());
            assertTrue(gets.requests() > 0, "gets: " + gets);
            assertTrue(Double.isNaN(gets.serverCores()), "no serving process named: no CPU figure");
        } finally {
            server.stop();
        }
    }
}
