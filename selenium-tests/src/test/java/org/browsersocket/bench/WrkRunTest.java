package org.browsersocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    void warmUpEndsOnlyOnceTwoRunsInARowRoseLessThanFivePercent() {
        assertFalse(WrkRun.steady(List.of()));
        assertFalse(WrkRun.steady(List.of(100.0, 101.0)), "two runs are not enough");
        assertFalse(WrkRun.steady(List.of(4000.0, 7800.0, 7840.0)), "one flat run after a rise: compilation may go on");
        assertTrue(WrkRun.steady(List.of(4000.0, 7800.0, 7840.0, 7900.0)));
        assertTrue(WrkRun.steady(List.of(10000.0, 9000.0, 9100.0)), "a fall is not a rise");
        assertFalse(WrkRun.steady(List.of(7800.0, 7840.0, 9832.0)), "still rising");
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
    void thePutScriptStoresANewValueWithEveryRequestAndTheGetScriptReadsThem(@TempDir Path data) throws Exception {
        assertTrue(WrkRun.available(), "wrk is installed by tools/install-deps.sh for make test");
        DiscoveryLimits unlimited = new DiscoveryLimits(1e9, 1e9, DiscoveryLimits.DEFAULTS.maxStoredBytes(),
                DiscoveryLimits.DEFAULTS.watchesPerClient(), DiscoveryLimits.DEFAULTS.maxWatches());
        DiscoveryServer server = new DiscoveryServer(Listen.everywhere(0), new StoreLocation.Embedded(data.resolve("store")), unlimited);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.port() + "/";
            WrkRun puts = WrkRun.once(new WrkRun.Load(base, 4, 1, Optional.of(WrkRun.script("discovery-put.lua"))), List.of());
            assertEquals("", puts.errors(), "every put acknowledged with 200");
            assertTrue(puts.requests() > 0, "puts: " + puts);

            Set<String> stored = new HashSet<>();
            int names = 0;
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 64; i++) {
                HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "v1/values/bench-" + i + "?max=1000")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, got.statusCode());
                JsonNode values = JSON.readTree(got.body()).get("values");
                names += values.isEmpty() ? 0 : 1;
                values.forEach(v -> stored.add(v.get("value").asText()));
            }
            // Responses in flight when wrk stops are stored but not counted: at most one per connection.
            assertTrue(stored.size() >= puts.requests() && stored.size() <= puts.requests() + 4,
                    stored.size() + " distinct values stored for " + puts.requests() + " puts counted");
            assertEquals(Math.min(64, puts.requests()), names, "the puts spread over 64 names");

            WrkRun gets = WrkRun.once(new WrkRun.Load(base, 4, 1, Optional.of(WrkRun.script("discovery-get.lua"))), List.of());
            assertEquals("", gets.errors());
            assertTrue(gets.requests() > 0, "gets: " + gets);
        } finally {
            server.stop();
        }
    }
}
