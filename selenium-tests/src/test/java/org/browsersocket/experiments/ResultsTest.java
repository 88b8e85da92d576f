package org.browsersocket.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed experiment results the paper is built from: every file the harness writes is
 * there with its exact columns, no series is empty, numbers are numbers, and every ratio equals
 * the quotient of the figures beside it (so ratios come from the same run as what they compare).
 */
class ResultsTest {
    /** The committed results; {@code -Dresults.dir=DIR} checks another run's (such as a quick one written elsewhere). */
    static final Path RESULTS = System.getProperty("results.dir") != null ? Path.of(System.getProperty("results.dir"))
            : repoRoot().resolve("paper/results");

    /** file → columns, as the harness writes them and the paper reads them. */
    static final Map<String, List<String>> SCHEMAS = new LinkedHashMap<>();

    /** file → {ratio column, numerator column, denominator column}... */
    static final Map<String, List<String[]>> RATIOS = new LinkedHashMap<>();

    static {
        SCHEMAS.put("e1_latency", List.of("message_bytes", "page_median_us", "page_p99_us", "relay_median_us", "relay_p99_us",
                "java_median_us", "java_p99_us", "node_median_us", "node_p99_us", "ratio_java_median", "ratio_java_p99",
                "ratio_node_median", "ratio_node_p99", "ratio_relay_median", "ratio_relay_p99",
                "bounce_median_us", "bounce_p99_us", "floor_median_us", "ratio_floor_median", "ratio_relay_floor_median"));
        SCHEMAS.put("e2_throughput", List.of("message_bytes", "clients", "page_msgs_per_s", "page_mb_per_s", "relay_msgs_per_s",
                "relay_mb_per_s", "java_msgs_per_s", "java_mb_per_s", "node_msgs_per_s", "node_mb_per_s", "ratio_java",
                "ratio_node", "ratio_relay"));
        SCHEMAS.put("e3_scale", List.of("connections", "connect_per_s", "runtime_bytes_per_connection", "runtime_rss_mb",
                "browser_rss_mb", "median_us", "p99_us", "native_bytes_per_connection", "native_median_us", "native_p99_us",
                "ratio_bytes", "slope_bytes_per_connection", "native_slope_bytes_per_connection",
                "page_heap_bytes_per_connection", "native_connect_per_s"));
        SCHEMAS.put("e4_setup", List.of("measure", "page_median_ms", "page_p99_ms", "java_median_ms", "java_p99_ms", "ratio_median"));
        SCHEMAS.put("e5_browser", List.of("participants", "page_median_ms", "page_p99_ms", "native_median_ms", "native_p99_ms",
                "ratio_median"));
        SCHEMAS.put("e6_discovery", List.of("op", "embedded_ops_per_s", "embedded_p50_ms", "embedded_p99_ms", "redis_ops_per_s",
                "redis_p50_ms", "redis_p99_ms", "ratio_ops", "embedded_cpu_us_per_op", "redis_cpu_us_per_op"));
        SCHEMAS.put("e7_addressing", List.of("topology", "kind", "attempts", "successes", "discovery_ms", "connect_ms",
                "winner", "detail"));
        SCHEMAS.put("e7_relay_cost", List.of("topology", "metric", "attempted", "direct_samples", "relay_samples", "direct",
                "relay", "ratio"));
        SCHEMAS.put("e8_http", List.of(HttpExperiment.HEADER));
        SCHEMAS.put("e8_swarm", List.of(SwarmExperiment.HEADER.split(",")));

        RATIOS.put("e1_latency", List.of(new String[] {"ratio_java_median", "page_median_us", "java_median_us"},
                new String[] {"ratio_java_p99", "page_p99_us", "java_p99_us"},
                new String[] {"ratio_node_median", "page_median_us", "node_median_us"},
                new String[] {"ratio_node_p99", "page_p99_us", "node_p99_us"},
                new String[] {"ratio_relay_median", "relay_median_us", "page_median_us"},
                new String[] {"ratio_relay_p99", "relay_p99_us", "page_p99_us"},
                new String[] {"ratio_floor_median", "page_median_us", "floor_median_us"},
                new String[] {"ratio_relay_floor_median", "relay_median_us", "floor_median_us"}));
        RATIOS.put("e2_throughput", List.of(new String[] {"ratio_java", "page_msgs_per_s", "java_msgs_per_s"},
                new String[] {"ratio_node", "page_msgs_per_s", "node_msgs_per_s"},
                new String[] {"ratio_relay", "relay_msgs_per_s", "page_msgs_per_s"}));
        RATIOS.put("e3_scale", List.<String[]>of(new String[] {"ratio_bytes", "runtime_bytes_per_connection",
                "native_bytes_per_connection"}));
        RATIOS.put("e4_setup", List.<String[]>of(new String[] {"ratio_median", "page_median_ms", "java_median_ms"}));
        RATIOS.put("e5_browser", List.<String[]>of(new String[] {"ratio_median", "page_median_ms", "native_median_ms"}));
        RATIOS.put("e6_discovery", List.<String[]>of(new String[] {"ratio_ops", "embedded_ops_per_s", "redis_ops_per_s"}));
        RATIOS.put("e7_relay_cost", List.<String[]>of(new String[] {"ratio", "relay", "direct"}));
    }

    /** E8's targets: the native server, the page directly and through a relay, and the relay's cache cold and warm. */
    static final Set<String> E8_TARGETS = Set.of("native", "page", "relay", "cold", "warm");

    /**
     * E8's ratios are to the native server's and to the directly reached page's row at the same
     * body size and connections, in the same file (so from the same run).
     */
    @Test
    void e8RatiosAreTheQuotientsOfTheRowsAtTheSamePoint() throws IOException {
        List<Map<String, String>> rows = read("e8_http");
        Map<String, Map<String, String>> byTargetAndPoint = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            byTargetAndPoint.put(r.get("target") + "/" + r.get("body_bytes") + "/" + r.get("connections"), r);
        }
        for (Map<String, String> r : rows) {
            String point = "/" + r.get("body_bytes") + "/" + r.get("connections");
            Map<String, String> nat = byTargetAndPoint.get("native" + point);
            Map<String, String> page = byTargetAndPoint.get("page" + point);
            for (String[] ratio : new String[][] {{"ratio_rps", "requests_per_s"}, {"ratio_p50", "p50_us"}, {"ratio_p99", "p99_us"}}) {
                assertQuotient(r.get(ratio[0]), r.get(ratio[1]), nat.get(ratio[1]), "e8_http." + ratio[0] + " in " + r);
            }
            assertQuotient(r.get("ratio_rps_page"), r.get("requests_per_s"), page.get("requests_per_s"), "e8_http.ratio_rps_page in " + r);
        }
    }

    private static void assertQuotient(String actual, String numerator, String denominator, String what) {
        double d = Double.parseDouble(denominator);
        double expected = d == 0 ? 0 : Double.parseDouble(numerator) / d;
        assertEquals(expected, Double.parseDouble(actual), Math.max(0.002, Math.abs(expected) * 0.01), what);
    }

    /** E8's raw rows: in every repetition, every point has the native server and the page measured, in that repetition. */
    @Test
    void e8MeasuresTheNativeServerAndThePageInEveryRepetition() throws IOException {
        List<String> lines = Files.readAllLines(RESULTS.resolve("e8_http_raw.csv"));
        assertEquals(List.of(HttpExperiment.RAW_HEADER), Arrays.asList(lines.get(0).split(",", -1)));
        Map<String, Set<String>> targetsByRound = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(HttpExperiment.RAW_HEADER.length, cells.length, line);
            targetsByRound.computeIfAbsent(cells[0] + "/" + cells[2] + "/" + cells[3], k -> new HashSet<>()).add(cells[1]);
        }
        assertFalse(targetsByRound.isEmpty());
        targetsByRound.forEach((round, targets) -> assertTrue(targets.containsAll(Set.of("native", "page")),
                "native and page in repetition/size/connections " + round + ": " + targets));
    }

    /** E7's topologies and the kinds of its rows (a candidate kind, or connect() over all of them). */
    static final Set<String> E7_TOPOLOGIES = Set.of("public", "cone", "symmetric", "both_symmetric", "upnp", "ipv6_open",
            "ipv6_firewalled", "ipv6_pinhole");
    static final Set<String> E7_KINDS = Set.of("public", "mapped", "ipv6", "teredo", "relay", "public_unconfirmed",
            "teredo_unconfirmed", "connect");

    static Path repoRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("paper"))) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of(".") : dir;
    }

    static Stream<Arguments> files() {
        return SCHEMAS.keySet().stream().map(Arguments::of);
    }

    static List<Map<String, String>> read(String name) throws IOException {
        List<String> lines = Files.readAllLines(RESULTS.resolve(name + ".csv"));
        assertFalse(lines.isEmpty(), name + ".csv is empty");
        assertEquals(SCHEMAS.get(name), Arrays.asList(lines.get(0).split(",", -1)), name + ".csv columns");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            assertEquals(SCHEMAS.get(name).size(), cells.length, name + ": " + line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < cells.length; i++) {
                row.put(SCHEMAS.get(name).get(i), cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyResultFileHasItsColumnsAndAtLeastOneRow(String name) throws IOException {
        assertFalse(read(name).isEmpty(), name + " has no rows");
    }

    /**
     * E3's columns read between two levels (a change in memory after a collection, which noise may
     * make slightly negative): empty on the first level, where there is no level before.
     */
    static final Set<String> E3_SLOPES = Set.of("slope_bytes_per_connection", "native_slope_bytes_per_connection");

    @ParameterizedTest
    @MethodSource("files")
    void numericCellsAreFiniteNonNegativeNumbers(String name) throws IOException {
        Set<String> text = new HashSet<>(List.of("measure", "op", "topology", "kind", "winner", "detail", "metric", "target",
                "phase", "visitor", "mode"));
        List<Map<String, String>> rows = read(name);
        for (Map<String, String> row : rows) {
            boolean firstLevel = row == rows.get(0);
            row.forEach((column, cell) -> {
                // E7: no connect time where no attempt succeeded (a timeout is a failure, not a time)
                boolean noTime = name.equals("e7_addressing") && column.equals("connect_ms") && row.get("successes").equals("0")
                        // E8b: the version row is no one page's load, so it has no load CPU time
                        || name.equals("e8_swarm") && column.equals("machine_cpu_ms") && row.get("phase").equals("version");
                boolean slope = name.equals("e3_scale") && (E3_SLOPES.contains(column) || column.equals("page_heap_bytes_per_connection"));
                if (noTime) {
                    assertEquals("", cell, name + ": no time for a row that has none: " + row);
                } else if (slope && firstLevel && E3_SLOPES.contains(column)) {
                    assertEquals("", cell, name + ": a slope on the first level, with no level before it: " + row);
                } else if (slope) {
                    assertTrue(Double.isFinite(Double.parseDouble(cell)), name + "." + column + " = " + cell);
                } else if (!text.contains(column)) {
                    double value = Double.parseDouble(cell);
                    assertTrue(Double.isFinite(value) && value >= 0, name + "." + column + " = " + cell);
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyRatioIsTheQuotientOfTheFiguresBesideIt(String name) throws IOException {
        for (Map<String, String> row : read(name)) {
            for (String[] ratio : RATIOS.getOrDefault(name, List.of())) {
                double numerator = Double.parseDouble(row.get(ratio[1]));
                double denominator = Double.parseDouble(row.get(ratio[2]));
                double expected = denominator == 0 ? 0 : numerator / denominator;
                double actual = Double.parseDouble(row.get(ratio[0]));
                assertEquals(expected, actual, Math.max(0.002, Math.abs(expected) * 0.01), name + "." + ratio[0] + " in " + row);
            }
        }
    }

    /**
     * E1 and E2 measure the same servers in the same alternating rounds: every server, the relay
     * included, is measured in each repetition of each configuration, and each got messages back
     * over the repetitions of a configuration.
     */
    @ParameterizedTest
    @ValueSource(strings = {"e1_latency_raw", "e2_throughput_raw"})
    void everyServerIncludingTheRelayIsMeasuredInTheSameRounds(String name) throws IOException {
        List<String> lines = Files.readAllLines(RESULTS.resolve(name + ".csv"));
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        List<String> configurationColumns = name.startsWith("e1") ? List.of("message_bytes")
                : List.of("message_bytes", "clients");
        String countColumn = name.startsWith("e1") ? "samples" : "msgs_per_s";
        Map<String, Set<String>> serversByRound = new LinkedHashMap<>();
        Map<String, Double> countByServerAndConfiguration = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            assertEquals(header.size(), cells.length, name + ": " + line);
            StringBuilder configuration = new StringBuilder();
            for (String column : configurationColumns) {
                configuration.append(column).append('=').append(cells[header.indexOf(column)]).append(' ');
            }
            String server = cells[header.indexOf("server")];
            serversByRound.computeIfAbsent("repetition=" + cells[header.indexOf("repetition")] + " " + configuration,
                    k -> new HashSet<>()).add(server);
            countByServerAndConfiguration.merge(server + " " + configuration,
                    Double.parseDouble(cells[header.indexOf(countColumn)]), Double::sum);
        }
        assertFalse(serversByRound.isEmpty(), name + " has no rows");
        Set<String> expected = name.startsWith("e1") ? Set.of("page", "relay", "java", "node", "bounce")
                : Set.of("page", "relay", "java", "node");
        serversByRound.forEach((round, servers) -> assertEquals(expected, servers, name + ": servers measured in " + round));
        countByServerAndConfiguration.forEach((key, count) -> assertTrue(count > 0, name + ": nothing measured for " + key));
    }

    /**
     * E1's floor is the native echo's median plus the median of the native server's round trip to
     * the page bouncing messages back; a page-hosted echo carries every message across the same
     * boundary and one native hop, so where per-message costs dominate (up to 4 KiB) it is never
     * faster than its floor. (From 64 KiB the Java-WebSocket echo's own handling of the payload
     * weighs about as much as the runtime's leg of the page-hosted path, or more at 1 MiB, so
     * there the sum is no lower bound: the committed run has page / floor 0.96 at 64 KiB.)
     */
    @Test
    void e1FloorIsTheNativeEchoPlusTheBounceAndThePageIsNotBelowIt() throws IOException {
        for (Map<String, String> row : read("e1_latency")) {
            double floor = Double.parseDouble(row.get("floor_median_us"));
            double sum = Double.parseDouble(row.get("java_median_us")) + Double.parseDouble(row.get("bounce_median_us"));
            assertEquals(sum, floor, 0.01, "floor = java + bounce medians in " + row);
            assertTrue(Double.parseDouble(row.get("bounce_median_us")) > 0, "a bounce measured in " + row);
            if (Integer.parseInt(row.get("message_bytes")) <= 4096) {
                assertTrue(floor <= Double.parseDouble(row.get("page_median_us")), "floor at most the page-hosted median in " + row);
            }
        }
    }

    /** E1 gives every server the same number of samples in each repetition at each size. */
    @Test
    void e1SamplesEveryServerEquallyInEachRound() throws IOException {
        List<String> lines = Files.readAllLines(RESULTS.resolve("e1_latency_raw.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        Map<String, Set<String>> countsByRound = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            countsByRound.computeIfAbsent(cells[header.indexOf("repetition")] + "/" + cells[header.indexOf("message_bytes")],
                    k -> new HashSet<>()).add(cells[header.indexOf("samples")]);
        }
        assertFalse(countsByRound.isEmpty());
        countsByRound.forEach((round, counts) -> assertEquals(1, counts.size(), "sample counts in repetition/size " + round
                + ": " + counts));
    }

    /** E3 climbs through at least two levels, so every level after the first has a slope to the one before. */
    @Test
    void e3HasASlopeForEveryLevelButTheFirst() throws IOException {
        List<Map<String, String>> rows = read("e3_scale");
        assertTrue(rows.size() >= 2, "at least two levels");
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(Integer.parseInt(rows.get(i).get("connections")) > Integer.parseInt(rows.get(i - 1).get("connections")),
                    "levels climb: " + rows.get(i));
            for (String column : E3_SLOPES) {
                assertFalse(rows.get(i).get(column).isEmpty(), column + " on level " + rows.get(i).get("connections"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyResultFileSaysWhatItRanOn(String name) throws IOException {
        JsonNode env = new ObjectMapper().readTree(RESULTS.resolve(name + ".env.json").toFile());
        for (String key : List.of("experiment", "cpu_model", "cores", "memory_bytes", "jvm", "chromium", "node", "git_commit",
                "date", "quick")) {
            assertTrue(env.has(key), name + ".env.json lacks " + key);
        }
        assertEquals(name, env.get("experiment").asText());
    }

    @ParameterizedTest
    @MethodSource("files")
    void seriesAreNotEmpty(String name) throws IOException {
        List<Map<String, String>> rows = read(name);
        switch (name) {
            case "e1_latency" -> assertTrue(rows.size() >= 3, "at least three message sizes");
            case "e2_throughput" -> assertTrue(rows.stream().map(r -> r.get("clients")).distinct().count() == 3, "1, 10, 100 clients");
            case "e4_setup" -> assertEquals(Set.of("listener_ready", "handshake"), Set.copyOf(rows.stream().map(r -> r.get("measure")).toList()));
            case "e5_browser" -> assertEquals(Set.of("2", "10"), Set.copyOf(rows.stream().map(r -> r.get("participants")).toList()));
            case "e6_discovery" -> assertEquals(Set.of("put", "get"), Set.copyOf(rows.stream().map(r -> r.get("op")).toList()));
            case "e7_addressing" -> {
                assertEquals(E7_TOPOLOGIES, Set.copyOf(rows.stream().map(r -> r.get("topology")).toList()), "E7 topologies");
                for (String topology : E7_TOPOLOGIES) {
                    assertEquals(1, rows.stream().filter(r -> r.get("topology").equals(topology) && r.get("kind").equals("connect"))
                            .count(), "one connect() row for " + topology);
                    assertEquals(1, rows.stream().filter(r -> r.get("topology").equals(topology) && r.get("kind").equals("relay"))
                            .count(), "one relay row for " + topology);
                }
                for (Map<String, String> r : rows) {
                    int attempts = Integer.parseInt(r.get("attempts"));
                    int successes = Integer.parseInt(r.get("successes"));
                    assertTrue(attempts >= 1 && successes <= attempts, "successes within attempts: " + r);
                    assertTrue(E7_KINDS.contains(r.get("kind")), "known kind: " + r);
                    assertEquals(r.get("kind").equals("connect") && successes > 0, !r.get("winner").equals("-"),
                            "a winner exactly for connect() rows that connected: " + r);
                }
            }
            case "e7_relay_cost" -> assertEquals(Set.of("rtt_median_ms", "rtt_p99_ms", "throughput_mb_per_s"),
                    Set.copyOf(rows.stream().map(r -> r.get("metric")).toList()));
            case "e8_http" -> {
                // The native server and the page reached directly at every point; every target it has is a known one.
                Set<String> points = new HashSet<>();
                for (Map<String, String> r : rows) {
                    assertTrue(E8_TARGETS.contains(r.get("target")), "known target: " + r);
                    assertTrue(Double.parseDouble(r.get("requests")) > 0, "requests counted: " + r);
                    points.add(r.get("body_bytes") + "/" + r.get("connections"));
                }
                assertEquals(Set.of("1024/1", "1024/8", "1024/32", "65536/1", "65536/8", "65536/32"), points);
                for (String point : points) {
                    for (String target : List.of("native", "page")) {
                        assertEquals(1, rows.stream().filter(r -> (r.get("body_bytes") + "/" + r.get("connections")).equals(point)
                                && r.get("target").equals(target)).count(), target + " at " + point);
                    }
                }
            }
            case "e8_swarm" -> {
                // Origin-only and swarm arrivals for at least six visitors, a version row, visitors after a liar.
                long arrivals = rows.stream().filter(r -> r.get("phase").equals("arrival") && r.get("mode").equals("swarm")).count();
                assertTrue(arrivals >= 6, "at least six swarm visitors: " + arrivals);
                assertEquals(arrivals, rows.stream().filter(r -> r.get("phase").equals("baseline") && r.get("mode").equals("origin")).count(),
                        "an origin-only visitor beside each swarm visitor");
                assertEquals(1, rows.stream().filter(r -> r.get("phase").equals("version")).count());
                assertTrue(rows.stream().anyMatch(r -> r.get("phase").equals("malicious")));
            }
            default -> assertFalse(rows.isEmpty());
        }
    }

    /** Results written since the environment file records their hashes; the final full run gives every file one. */
    static final Set<String> HASHED = Set.of("e8_swarm");

    @ParameterizedTest
    @MethodSource("files")
    void aResultFileIsByteForByteWhatTheHarnessWrote(String name) throws IOException {
        com.fasterxml.jackson.databind.JsonNode env = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(RESULTS.resolve(name + ".env.json").toFile());
        com.fasterxml.jackson.databind.JsonNode files = env.get("files_sha256");
        if (files == null) {
            assertFalse(HASHED.contains(name), name + ".env.json records no hashes of its result files");
            return;
        }
        assertTrue(files.has(name + ".csv"), name + ".env.json has no hash of " + name + ".csv");
        for (java.util.Iterator<String> it = files.fieldNames(); it.hasNext(); ) {
            String file = it.next();
            assertEquals(files.get(file).asText(), Environment.sha256(RESULTS.resolve(file)),
                    file + " differs from what the harness wrote (its hash in " + name + ".env.json)");
        }
        assertEquals(false, env.path("git_dirty").asBoolean(true), name + " ran on code that differed from commit "
                + env.path("git_commit").asText());
    }

    @Test
    void e8SwarmOffloadIsThePeersShareOfTheBytesAndAlteredAssetsAreCounted() throws IOException {
        for (Map<String, String> r : read("e8_swarm")) {
            double peers = Double.parseDouble(r.get("peer_bytes"));
            double origin = Double.parseDouble(r.get("origin_bytes"));
            double expected = peers + origin == 0 ? 0 : peers / (peers + origin);
            assertEquals(expected, Double.parseDouble(r.get("offload")), 0.001, "offload in " + r);
            assertTrue(Double.parseDouble(r.get("offload")) <= 1, "offload is a fraction: " + r);
            assertTrue(r.get("altered_accepted").matches("\\d+"), "altered_accepted is a count: " + r);
        }
    }
}
