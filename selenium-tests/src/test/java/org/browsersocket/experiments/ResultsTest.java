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
import java.util.HashMap;
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
        SCHEMAS.put("e1_latency", List.of("message_bytes",
                "page_median_us", "page_ci_low_us", "page_ci_high_us", "page_p99_us",
                "relay_median_us", "relay_ci_low_us", "relay_ci_high_us", "relay_p99_us",
                "java_median_us", "java_ci_low_us", "java_ci_high_us", "java_p99_us",
                "node_median_us", "node_ci_low_us", "node_ci_high_us", "node_p99_us",
                "bounce_median_us", "bounce_ci_low_us", "bounce_ci_high_us", "bounce_p99_us",
                "ratio_java_median", "ratio_java_p99", "ratio_node_median", "ratio_node_p99", "ratio_relay_median",
                "ratio_relay_p99", "floor_median_us", "ratio_floor_median", "ratio_relay_floor_median", "repetitions",
                "samples_per_server", "page_stalled", "relay_stalled", "java_stalled", "node_stalled"));
        SCHEMAS.put("e1_latency_cdf", List.of("message_bytes", "percentile", "page_us", "relay_us", "java_us", "node_us",
                "bounce_us"));
        SCHEMAS.put("e2_throughput", List.of("message_bytes", "clients", "page_msgs_per_s", "page_mb_per_s", "relay_msgs_per_s",
                "relay_mb_per_s", "java_msgs_per_s", "java_mb_per_s", "node_msgs_per_s", "node_mb_per_s", "ratio_java",
                "ratio_node", "ratio_relay", "page_ci_low_msgs_per_s", "page_ci_high_msgs_per_s", "page_lost",
                "relay_ci_low_msgs_per_s", "relay_ci_high_msgs_per_s", "relay_lost", "java_ci_low_msgs_per_s",
                "java_ci_high_msgs_per_s", "java_lost", "node_ci_low_msgs_per_s", "node_ci_high_msgs_per_s", "node_lost",
                "repetitions", "window_s"));
        SCHEMAS.put("e3_scale", List.of("connections", "page_connect_per_s", "native_connect_per_s", "runtime_rss_mb",
                "runtime_growth_mb", "runtime_slope_bytes_per_connection", "native_rss_mb", "native_growth_mb",
                "native_slope_bytes_per_connection", "page_heap_bytes_per_connection", "browser_rss_growth_mb",
                "page_median_us", "page_p99_us", "native_median_us", "native_p99_us", "samples", "connect_failures",
                "native_connect_failures", "runtime_settle_s", "native_settle_s"));
        SCHEMAS.put("e4_setup", List.of("measure", "server", "median_ms", "ci_low_ms", "ci_high_ms", "p99_ms", "samples",
                "failures", "rounds", "ratio_java_median"));
        SCHEMAS.put("e5_browser", List.of("participants", "page_median_ms", "page_ci_low_ms", "page_ci_high_ms", "page_p99_ms",
                "native_median_ms", "native_ci_low_ms", "native_ci_high_ms", "native_p99_ms", "ratio_median",
                "samples_per_relay", "clock_resolution_us"));
        SCHEMAS.put("e6_discovery", List.of("op", "embedded_ops_per_s", "embedded_p50_ms", "embedded_p99_ms", "redis_ops_per_s",
                "redis_p50_ms", "redis_p99_ms", "ratio_ops", "embedded_cpu_us_per_op", "redis_cpu_us_per_op",
                "embedded_ci_low_ops_per_s", "embedded_ci_high_ops_per_s", "redis_ci_low_ops_per_s",
                "redis_ci_high_ops_per_s", "rounds"));
        SCHEMAS.put("e7_addressing", List.of("topology", "kind", "attempts", "successes", "discovery_ms", "connect_ms",
                "winner", "detail"));
        SCHEMAS.put("e7_relay_cost", List.of("topology", "metric", "attempted", "direct_samples", "relay_samples", "direct",
                "relay", "ratio"));
        SCHEMAS.put("e8_http", List.of(HttpExperiment.HEADER));
        SCHEMAS.put("e8_swarm", List.of(SwarmExperiment.HEADER.split(",")));
        SCHEMAS.put("e9_offered_load", List.of(OfferedLoadExperiment.HEADER.split(",")));

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

    /** Result files written beside another experiment's and covered by its environment file. */
    static final Set<String> COMPANIONS = Set.of("e1_latency_cdf");

    /** The experiments' own result files, each with an environment file. */
    static Stream<Arguments> environments() {
        return SCHEMAS.keySet().stream().filter(name -> !COMPANIONS.contains(name)).map(Arguments::of);
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
    static final Set<String> E3_SLOPES = Set.of("runtime_slope_bytes_per_connection", "native_slope_bytes_per_connection");
    /** E3's changes that noise may make slightly negative where little changes: the browser's and the page heap's. */
    static final Set<String> E3_SIGNED = Set.of("browser_rss_growth_mb", "page_heap_bytes_per_connection");

    @ParameterizedTest
    @MethodSource("files")
    void numericCellsAreFiniteNonNegativeNumbers(String name) throws IOException {
        Set<String> text = new HashSet<>(List.of("measure", "op", "topology", "kind", "winner", "detail", "metric", "target",
                "phase", "visitor", "mode", "server"));
        List<Map<String, String>> rows = read(name);
        for (Map<String, String> row : rows) {
            boolean firstLevel = row == rows.get(0);
            row.forEach((column, cell) -> {
                // E7: no connect time where no attempt succeeded (a timeout is a failure, not a time)
                boolean noTime = name.equals("e7_addressing") && column.equals("connect_ms") && row.get("successes").equals("0")
                        // E8b: the version row is no one page's load, so it has no load CPU time
                        || name.equals("e8_swarm") && column.equals("machine_cpu_ms") && row.get("phase").equals("version")
                        // E9: a saturated rung whose runs recorded no echo has no latency
                        || name.equals("e9_offered_load") && cell.isEmpty() && row.get("saturated").equals("1");
                boolean slope = name.equals("e3_scale") && (E3_SLOPES.contains(column) || E3_SIGNED.contains(column));
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
     * the page bouncing messages back. A page-hosted echo carries every message into the page and
     * out again, as the bounce does, so it is never faster than the bounce. (The sum is no lower
     * bound: the native echo's own cost, a hand-over to a worker thread in another process, can
     * weigh more than the runtime's leg of the page-hosted path.)
     */
    @Test
    void e1FloorIsTheNativeEchoPlusTheBounceAndThePageIsNeverFasterThanTheBounce() throws IOException {
        for (Map<String, String> row : read("e1_latency")) {
            double floor = Double.parseDouble(row.get("floor_median_us"));
            double sum = Double.parseDouble(row.get("java_median_us")) + Double.parseDouble(row.get("bounce_median_us"));
            assertEquals(sum, floor, 0.01, "floor = java + bounce medians in " + row);
            assertTrue(Double.parseDouble(row.get("bounce_median_us")) > 0, "a bounce measured in " + row);
            assertTrue(Double.parseDouble(row.get("bounce_median_us")) <= Double.parseDouble(row.get("page_median_us")),
                    "the page-hosted median at least the bounce in " + row);
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

    /** A result file read with its own header (raw files, whose columns the paper does not read). */
    static List<Map<String, String>> readAny(String name) throws IOException {
        return ResultFile.read(RESULTS, name);
    }

    static double number(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    /**
     * Recomputes a summary's median over repetitions and its bootstrap interval from the raw file's
     * per-repetition values: {@code key} picks a raw row's series, {@code value} its figure.
     */
    static Map<String, Bootstrap.Interval> intervalsFromRaw(String raw, java.util.function.Function<Map<String, String>, String> key,
                                                           String value) throws IOException {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Map<String, String> row : readAny(raw)) {
            values.computeIfAbsent(key.apply(row), k -> new ArrayList<>()).add(number(row, value));
        }
        Map<String, Bootstrap.Interval> intervals = new LinkedHashMap<>();
        values.forEach((k, v) -> intervals.put(k, Bootstrap.medianInterval(v.stream().mapToDouble(Double::doubleValue).toArray())));
        return intervals;
    }

    static void assertInterval(Bootstrap.Interval expected, Map<String, String> row, String median, String low, String high,
                               double scale) {
        assertEquals(expected.median() * scale, number(row, median), 0.002, median + " from the raw file in " + row);
        assertEquals(expected.low() * scale, number(row, low), 0.002, low + " from the raw file in " + row);
        assertEquals(expected.high() * scale, number(row, high), 0.002, high + " from the raw file in " + row);
    }

    /** E1's medians and intervals are those of the raw file's per-repetition medians; its counts are the raw file's sums. */
    @Test
    void e1SummaryIsRecomputedFromItsRawFile() throws IOException {
        Map<String, Bootstrap.Interval> expected = intervalsFromRaw("e1_latency_raw",
                r -> r.get("server") + "/" + r.get("message_bytes"), "median_us");
        Map<String, Double> samples = new HashMap<>();
        Map<String, Double> stalled = new HashMap<>();
        for (Map<String, String> r : readAny("e1_latency_raw")) {
            samples.merge(r.get("server") + "/" + r.get("message_bytes"), number(r, "samples"), Double::sum);
            stalled.merge(r.get("server") + "/" + r.get("message_bytes"), number(r, "stalled"), Double::sum);
        }
        for (Map<String, String> row : read("e1_latency")) {
            for (String server : List.of("page", "relay", "java", "node", "bounce")) {
                String key = server + "/" + row.get("message_bytes");
                assertInterval(expected.get(key), row, server + "_median_us", server + "_ci_low_us", server + "_ci_high_us", 1);
                assertEquals(samples.get(key), number(row, "samples_per_server"), 0.5, "samples of " + key);
                if (!server.equals("bounce")) {
                    assertEquals(stalled.get(key), number(row, server + "_stalled"), 0.5, "stalls of " + key);
                }
            }
        }
    }

    /** E2's rates and intervals are those of the raw file's repetitions; its lost messages are the raw file's. */
    @Test
    void e2SummaryIsRecomputedFromItsRawFile() throws IOException {
        Map<String, Bootstrap.Interval> expected = intervalsFromRaw("e2_throughput_raw",
                r -> r.get("server") + "/" + r.get("message_bytes") + "/" + r.get("clients"), "msgs_per_s");
        Map<String, Double> lost = new HashMap<>();
        for (Map<String, String> r : readAny("e2_throughput_raw")) {
            lost.merge(r.get("server") + "/" + r.get("message_bytes") + "/" + r.get("clients"),
                    number(r, "unanswered") + number(r, "mismatched"), Double::sum);
        }
        for (Map<String, String> row : read("e2_throughput")) {
            for (String server : List.of("page", "relay", "java", "node")) {
                String key = server + "/" + row.get("message_bytes") + "/" + row.get("clients");
                assertInterval(expected.get(key), row, server + "_msgs_per_s", server + "_ci_low_msgs_per_s",
                        server + "_ci_high_msgs_per_s", 1);
                assertEquals(lost.get(key), number(row, server + "_lost"), 0.5, "lost messages of " + key);
            }
        }
    }

    /** E4's medians and intervals are those of the raw file's rounds (ms, from µs histograms). */
    @Test
    void e4SummaryIsRecomputedFromItsRawFile() throws IOException {
        Map<String, Bootstrap.Interval> expected = intervalsFromRaw("e4_setup_raw", r -> r.get("measure") + "/" + r.get("server"),
                "median_ms");
        for (Map<String, String> row : read("e4_setup")) {
            assertInterval(expected.get(row.get("measure") + "/" + row.get("server")), row, "median_ms", "ci_low_ms",
                    "ci_high_ms", 1);
        }
    }

    /** E8a's median rates and intervals are those of the raw file's repetitions. */
    @Test
    void e8HttpRatesAreRecomputedFromItsRawFile() throws IOException {
        Map<String, Bootstrap.Interval> expected = intervalsFromRaw("e8_http_raw",
                r -> r.get("target") + "/" + r.get("body_bytes") + "/" + r.get("connections"), "requests_per_s");
        for (Map<String, String> row : read("e8_http")) {
            assertInterval(expected.get(row.get("target") + "/" + row.get("body_bytes") + "/" + row.get("connections")), row,
                    "median_rps", "ci_low_rps", "ci_high_rps", 1);
        }
    }

    /** E6's rates and intervals are those of the raw file's rounds, which alternate the stores' order. */
    @Test
    void e6SummaryIsRecomputedFromItsRawFileAndTheStoresTookTurnsGoingFirst() throws IOException {
        Map<String, Bootstrap.Interval> expected = intervalsFromRaw("e6_discovery_raw", r -> r.get("store") + "/" + r.get("op"),
                "ops_per_s");
        for (Map<String, String> row : read("e6_discovery")) {
            for (String store : List.of("embedded", "redis")) {
                assertInterval(expected.get(store + "/" + row.get("op")), row, store + "_ops_per_s", store + "_ci_low_ops_per_s",
                        store + "_ci_high_ops_per_s", 1);
            }
        }
        Map<String, String> firstByRound = new LinkedHashMap<>();
        for (Map<String, String> r : readAny("e6_discovery_raw")) {
            firstByRound.putIfAbsent(r.get("round"), r.get("store"));
        }
        if (firstByRound.size() > 1) {
            assertEquals(2, Set.copyOf(firstByRound.values()).size(), "the store measured first in each round: " + firstByRound);
        }
    }

    /** file → {low, median, high} columns: every interval holds its median. */
    static final Map<String, List<String[]>> INTERVALS = Map.of(
            "e1_latency", Stream.of("page", "relay", "java", "node", "bounce")
                    .map(s -> new String[] {s + "_ci_low_us", s + "_median_us", s + "_ci_high_us"}).toList(),
            "e2_throughput", Stream.of("page", "relay", "java", "node")
                    .map(s -> new String[] {s + "_ci_low_msgs_per_s", s + "_msgs_per_s", s + "_ci_high_msgs_per_s"}).toList(),
            "e4_setup", List.<String[]>of(new String[] {"ci_low_ms", "median_ms", "ci_high_ms"}),
            "e8_http", List.<String[]>of(new String[] {"ci_low_rps", "median_rps", "ci_high_rps"}),
            "e6_discovery", Stream.of("embedded", "redis")
                    .map(s -> new String[] {s + "_ci_low_ops_per_s", s + "_ops_per_s", s + "_ci_high_ops_per_s"}).toList());

    @ParameterizedTest
    @ValueSource(strings = {"e1_latency", "e2_throughput", "e4_setup", "e6_discovery", "e8_http"})
    void everyMedianCarriesAConfidenceIntervalThatHoldsIt(String name) throws IOException {
        for (Map<String, String> row : read(name)) {
            for (String[] interval : INTERVALS.get(name)) {
                assertTrue(number(row, interval[0]) <= number(row, interval[1]) && number(row, interval[1]) <= number(row, interval[2]),
                        interval[0] + " <= " + interval[1] + " <= " + interval[2] + " in " + row);
            }
        }
    }

    /** Bigger messages take longer for every server, and no tail is below its median. */
    @Test
    void e1LatencyGrowsWithMessageSizeAndTailsAreAboveMedians() throws IOException {
        List<Map<String, String>> rows = read("e1_latency");
        Map<String, String> smallest = rows.get(0);
        Map<String, String> largest = rows.get(rows.size() - 1);
        for (String server : List.of("page", "relay", "java", "node", "bounce")) {
            assertTrue(number(largest, server + "_median_us") > number(smallest, server + "_median_us"),
                    server + ": " + largest.get("message_bytes") + " B slower than " + smallest.get("message_bytes") + " B");
            for (Map<String, String> row : rows) {
                assertTrue(number(row, server + "_p99_us") >= number(row, server + "_median_us"), server + " p99 in " + row);
            }
        }
        for (String server : List.of("page", "relay", "java", "node", "bounce")) {
            for (String size : rows.stream().map(r -> r.get("message_bytes")).toList()) {
                double previous = 0;
                for (Map<String, String> point : readAny("e1_latency_cdf")) {
                    if (point.get("message_bytes").equals(size)) {
                        assertTrue(number(point, server + "_us") >= previous, "CDF of " + server + " at " + size + " B rises: " + point);
                        previous = number(point, server + "_us");
                    }
                }
                assertTrue(previous > 0, "a CDF for " + server + " at " + size + " B");
            }
        }
    }

    /** More bytes per message move more bytes per second; no series lost more than the run allows. */
    @Test
    void e2MovesMoreBytesWithBiggerMessagesAndLosesAtMostTheStatedFraction() throws IOException {
        List<Map<String, String>> rows = read("e2_throughput");
        for (String server : List.of("page", "relay", "java", "node")) {
            for (String clients : List.of("1", "10", "100")) {
                List<Map<String, String>> bySize = rows.stream().filter(r -> r.get("clients").equals(clients)).toList();
                assertTrue(number(bySize.get(bySize.size() - 1), server + "_mb_per_s") > number(bySize.get(0), server + "_mb_per_s"),
                        server + " with " + clients + " clients");
            }
        }
        for (Map<String, String> r : readAny("e2_throughput_raw")) {
            double lost = number(r, "unanswered") + number(r, "mismatched");
            assertTrue(lost <= Lab.MAX_LOST_FRACTION * Math.max(1, number(r, "messages") + lost), "lost messages in " + r);
        }
    }

    /** More idle peers hold more runtime memory; a burst of handshakes waits behind itself, a single one does not. */
    @Test
    void e3MemoryGrowsWithPeersAndE4BurstsAreNoFasterThanSingleHandshakes() throws IOException {
        List<Map<String, String>> levels = read("e3_scale");
        assertTrue(number(levels.get(levels.size() - 1), "runtime_growth_mb") > number(levels.get(0), "runtime_growth_mb"),
                "runtime growth rises with peers");
        assertTrue(number(levels.get(levels.size() - 1), "native_growth_mb") > number(levels.get(0), "native_growth_mb"),
                "native growth rises with peers");
        List<Map<String, String>> setup = read("e4_setup");
        for (String server : List.of("page", "relay", "java", "node")) {
            Map<String, String> single = setup.stream().filter(r -> r.get("measure").equals("handshake_single")
                    && r.get("server").equals(server)).findFirst().orElseThrow();
            Map<String, String> burst = setup.stream().filter(r -> r.get("measure").equals("handshake_burst")
                    && r.get("server").equals(server)).findFirst().orElseThrow();
            assertTrue(number(burst, "median_ms") >= number(single, "median_ms"), server + ": burst " + burst + ", single " + single);
        }
    }

    /**
     * Every figure in the README's headline table is a cell of the committed results (or a median
     * or count of cells): the table is what {@link HeadlineTable} renders from them.
     */
    @Test
    void theReadmesHeadlineTableIsWhatTheCommittedResultsGive() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("results.dir") == null,
                "another run's results: the README describes the committed ones");
        String readme = Files.readString(repoRoot().resolve("README.md"));
        assertEquals(HeadlineTable.render(RESULTS), HeadlineTable.current(readme),
                "the README's headline table (rewrite it: java -cp selenium-tests/target/selenium-tests.jar "
                        + "org.browsersocket.experiments.HeadlineTable --write README.md)");
    }

    /** The paper names one commit for its evaluation: every result comes from one full, clean run at it. */
    @Test
    void everyResultComesFromOneFullRunAtOneCommit() throws IOException {
        Map<String, Set<String>> experimentsByCommit = new java.util.TreeMap<>();
        for (String name : environments().map(a -> (String) a.get()[0]).toList()) {
            JsonNode env = new ObjectMapper().readTree(RESULTS.resolve(name + ".env.json").toFile());
            experimentsByCommit.computeIfAbsent(env.path("git_commit").asText(), k -> new java.util.TreeSet<>()).add(name);
            assertFalse(env.path("quick").asBoolean(true), name + " is a quick run");
        }
        assertEquals(1, experimentsByCommit.size(), "commits the results ran at: " + experimentsByCommit);
    }

    @ParameterizedTest
    @MethodSource("environments")
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
            case "e4_setup" -> {
                assertEquals(Set.of("listener_ready", "handshake_single", "handshake_burst"),
                        Set.copyOf(rows.stream().map(r -> r.get("measure")).toList()));
                for (String measure : List.of("handshake_single", "handshake_burst")) {
                    assertEquals(Set.of("page", "relay", "java", "node"), Set.copyOf(rows.stream()
                            .filter(r -> r.get("measure").equals(measure)).map(r -> r.get("server")).toList()), measure);
                }
            }
            case "e5_browser" -> assertEquals(e5Quick() ? Set.of("2", "10") : Set.of("2", "5", "10", "20"),
                    Set.copyOf(rows.stream().map(r -> r.get("participants")).toList()), "E5 room sizes (quick: 2 and 10)");
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


    @ParameterizedTest
    @MethodSource("environments")
    void aResultFileIsByteForByteWhatTheHarnessWrote(String name) throws IOException {
        com.fasterxml.jackson.databind.JsonNode env = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(RESULTS.resolve(name + ".env.json").toFile());
        com.fasterxml.jackson.databind.JsonNode files = env.get("files_sha256");
        assertTrue(files != null, name + ".env.json records no hashes of its result files");
        assertTrue(files.has(name + ".csv"), name + ".env.json has no hash of " + name + ".csv");
        for (Path result : Environment.resultFiles(RESULTS, name)) {
            assertTrue(files.has(result.getFileName().toString()), result.getFileName() + " has no hash in " + name + ".env.json");
        }
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

    /** Whether E5's results came from a quick run (its environment file says so). */
    static boolean e5Quick() throws IOException {
        return new ObjectMapper().readTree(RESULTS.resolve("e5_browser.env.json").toFile()).path("quick").asBoolean(false);
    }

    static final List<String> E5_RAW = List.of("round", "relay", "participants", "samples", "median_ms", "p99_ms", "lost");

    /**
     * E5: each relay's median is the median of its rounds' medians in the raw file and lies in its
     * bootstrap interval and under its p99; the page's clock was fine (cross-origin isolated: 5 us
     * steps, not 100 us); in every round both relays were measured at every room size with the same
     * number of samples, which add up to samples_per_relay; and the relays took turns going first.
     */
    @Test
    void e5IntervalsClockAndEqualSamplesComeFromItsRawFile() throws IOException {
        List<String> lines = Files.readAllLines(RESULTS.resolve("e5_browser_raw.csv"));
        assertEquals(E5_RAW, Arrays.asList(lines.get(0).split(",", -1)), "e5_browser_raw.csv columns");
        Map<String, Map<String, Long>> samplesByRound = new LinkedHashMap<>(); // round/participants -> relay -> samples
        Map<String, Long> totals = new LinkedHashMap<>(); // relay/participants -> samples
        Map<String, List<Double>> medians = new LinkedHashMap<>(); // relay/participants -> each round's median
        Map<String, String> firstByRound = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            assertEquals(E5_RAW.size(), cells.length, "e5_browser_raw: " + line);
            long samples = Long.parseLong(cells[3]);
            assertTrue(Long.parseLong(cells[6]) >= 0, "e5_browser_raw lost: " + line);
            assertTrue(Double.parseDouble(cells[5]) >= Double.parseDouble(cells[4]), "e5_browser_raw p99 >= median: " + line);
            samplesByRound.computeIfAbsent(cells[0] + "/" + cells[2], k -> new LinkedHashMap<>()).put(cells[1], samples);
            totals.merge(cells[1] + "/" + cells[2], samples, Long::sum);
            medians.computeIfAbsent(cells[1] + "/" + cells[2], k -> new ArrayList<>()).add(Double.parseDouble(cells[4]));
            firstByRound.putIfAbsent(cells[0], cells[1]);
        }
        assertFalse(samplesByRound.isEmpty(), "e5_browser_raw has no rows");
        samplesByRound.forEach((round, byRelay) -> {
            assertEquals(Set.of("page", "native"), byRelay.keySet(), "E5 relays in round/participants " + round);
            assertEquals(byRelay.get("page"), byRelay.get("native"), "E5 equal samples in round/participants " + round);
        });
        if (firstByRound.size() > 1) {
            assertEquals(Set.of("page", "native"), Set.copyOf(firstByRound.values()), "E5 relay measured first by round: " + firstByRound);
        }
        for (Map<String, String> r : read("e5_browser")) {
            for (String relay : List.of("page", "native")) {
                String key = relay + "/" + r.get("participants");
                double median = Double.parseDouble(r.get(relay + "_median_ms"));
                double low = Double.parseDouble(r.get(relay + "_ci_low_ms"));
                double high = Double.parseDouble(r.get(relay + "_ci_high_ms"));
                assertTrue(low <= median && median <= high, "E5 " + relay + ": low <= median <= high in " + r);
                assertTrue(Double.parseDouble(r.get(relay + "_p99_ms")) >= median, "E5 " + relay + ": p99 >= median in " + r);
                Bootstrap.Interval expected = Bootstrap.medianInterval(medians.get(key).stream().mapToDouble(Double::doubleValue).toArray());
                assertEquals(expected.median(), median, 0.002, "E5 " + key + " median from the raw file");
                assertEquals(expected.low(), low, 0.002, "E5 " + key + " interval low from the raw file");
                assertEquals(expected.high(), high, 0.002, "E5 " + key + " interval high from the raw file");
                assertEquals(Long.parseLong(r.get("samples_per_relay")), totals.get(key), "E5 samples over the rounds of " + key);
            }
            assertTrue(Long.parseLong(r.get("samples_per_relay")) > 0, "E5 samples in " + r);
            double clock = Double.parseDouble(r.get("clock_resolution_us"));
            assertTrue(clock > 0 && clock <= 20, "E5's page clock steps by at most 20 us (cross-origin isolated): " + r);
        }
    }

    // ------------------------------------------------------------------ E9: latency vs offered load
    // Until a full run commits e9_offered_load.csv, these tests skip where it is absent (they check
    // a quick run's with -Dresults.dir=DIR).

    static final List<String> E9_COLUMNS = List.of("server", "offered_per_s", "achieved_per_s", "median_us", "median_ci_low_us",
            "median_ci_high_us", "p99_us", "p999_us", "sent", "lost", "saturated", "repetitions");
    static final List<String> E9_RAW_COLUMNS = List.of("repetition", "server", "offered_per_s", "achieved_per_s", "median_us",
            "p99_us", "sent", "lost", "saturated");
    /** E9's latency figures: empty only in a saturated row whose runs recorded no echo at all. */
    static final Set<String> E9_LATENCIES = Set.of("median_us", "median_ci_low_us", "median_ci_high_us", "p99_us", "p999_us");

    /** The rows of an E9 file after checking its exact header; skips the test where the file is not there yet. */
    static List<Map<String, String>> e9(String name, List<String> columns) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(RESULTS.resolve(name + ".csv")),
                name + ".csv is not in " + RESULTS + " yet");
        List<String> lines = Files.readAllLines(RESULTS.resolve(name + ".csv"));
        assertFalse(lines.isEmpty(), name + ".csv is empty");
        assertEquals(columns, Arrays.asList(lines.get(0).split(",", -1)), name + ".csv columns");
        List<Map<String, String>> rows = readAny(name);
        assertFalse(rows.isEmpty(), name + " has no rows");
        return rows;
    }

    static boolean e9Saturated(Map<String, String> row) {
        assertTrue(Set.of("0", "1").contains(row.get("saturated")), "saturated is 0 or 1 in " + row);
        return row.get("saturated").equals("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"e9_offered_load", "e9_offered_load_raw"})
    void e9CellsAreNumbersAndOnlyASaturatedRunWithoutEchoesLacksLatencies(String name) throws IOException {
        for (Map<String, String> row : e9(name, name.endsWith("_raw") ? E9_RAW_COLUMNS : E9_COLUMNS)) {
            boolean saturated = e9Saturated(row);
            row.forEach((column, cell) -> {
                if (column.equals("server")) {
                    return;
                }
                if (cell.isEmpty() && E9_LATENCIES.contains(column)) {
                    assertTrue(saturated, name + "." + column + " is empty where nothing was saturated: " + row);
                    return;
                }
                double value = Double.parseDouble(cell);
                assertTrue(Double.isFinite(value) && value >= 0, name + "." + column + " = " + cell);
            });
        }
    }

    /** Every server at every rung of the ladder, once. */
    @Test
    void e9MeasuresEveryServerAtEveryOfferedRate() throws IOException {
        Map<String, List<String>> serversByRate = new LinkedHashMap<>();
        for (Map<String, String> row : e9("e9_offered_load", E9_COLUMNS)) {
            serversByRate.computeIfAbsent(row.get("offered_per_s"), k -> new ArrayList<>()).add(row.get("server"));
        }
        assertTrue(serversByRate.size() >= 3, "at least three offered rates: " + serversByRate.keySet());
        serversByRate.forEach((rate, servers) -> {
            assertEquals(Set.of("page", "relay", "java", "node"), Set.copyOf(servers), "servers at " + rate + " msg/s");
            assertEquals(4, servers.size(), "one row per server at " + rate + " msg/s: " + servers);
        });
        Map<String, Set<String>> serversByRound = new LinkedHashMap<>();
        for (Map<String, String> r : e9("e9_offered_load_raw", E9_RAW_COLUMNS)) {
            serversByRound.computeIfAbsent("repetition " + r.get("repetition") + " at " + r.get("offered_per_s") + " msg/s",
                    k -> new HashSet<>()).add(r.get("server"));
        }
        serversByRound.forEach((round, servers) -> assertEquals(Set.of("page", "relay", "java", "node"), servers, "servers in " + round));
    }

    /** The median over repetitions lies in its interval, and the pooled tails are not below it. */
    @Test
    void e9MediansLieInTheirIntervalsAndTailsAreAboveThem() throws IOException {
        for (Map<String, String> row : e9("e9_offered_load", E9_COLUMNS)) {
            if (row.get("median_us").isEmpty() || row.get("p99_us").isEmpty()) {
                continue; // a saturated point without echoes (checked above)
            }
            assertTrue(number(row, "median_ci_low_us") <= number(row, "median_us")
                    && number(row, "median_us") <= number(row, "median_ci_high_us"), "low <= median <= high in " + row);
            assertTrue(number(row, "p99_us") >= number(row, "median_us"), "p99 >= median in " + row);
            assertTrue(number(row, "p999_us") >= number(row, "p99_us"), "p99.9 >= p99 in " + row);
        }
    }

    /**
     * An open loop cannot get back more than it offers (5% for the window's edges); a point the
     * generator did not report saturated lost at most {@link Lab#MAX_LOST_FRACTION} of what it sent.
     */
    @Test
    void e9AchievesAtMostTheOfferedRateAndLosesAtMostTheStatedFractionUnlessSaturated() throws IOException {
        for (Map<String, String> row : e9("e9_offered_load", E9_COLUMNS)) {
            assertTrue(number(row, "achieved_per_s") <= 1.05 * number(row, "offered_per_s"), "achieved <= offered in " + row);
            assertTrue(number(row, "sent") > 0, "messages sent in " + row);
            if (!e9Saturated(row)) {
                assertTrue(number(row, "lost") <= Lab.MAX_LOST_FRACTION * number(row, "sent"), "lost messages in " + row);
            }
        }
    }

    /** E9's medians and intervals are those of the raw file's per-repetition medians; its counts are the raw file's. */
    @Test
    void e9SummaryIsRecomputedFromItsRawFile() throws IOException {
        List<Map<String, String>> raw = e9("e9_offered_load_raw", E9_RAW_COLUMNS);
        Map<String, List<Double>> medians = new LinkedHashMap<>();
        Map<String, double[]> counts = new HashMap<>(); // → {sent, lost, saturated runs, repetitions}
        for (Map<String, String> r : raw) {
            String key = r.get("server") + "/" + r.get("offered_per_s");
            List<Double> values = medians.computeIfAbsent(key, k -> new ArrayList<>());
            if (!r.get("median_us").isEmpty()) {
                values.add(number(r, "median_us"));
            }
            double[] c = counts.computeIfAbsent(key, k -> new double[4]);
            c[0] += number(r, "sent");
            c[1] += number(r, "lost");
            c[2] += e9Saturated(r) ? 1 : 0;
            c[3]++;
        }
        for (Map<String, String> row : e9("e9_offered_load", E9_COLUMNS)) {
            String key = row.get("server") + "/" + row.get("offered_per_s");
            assertTrue(counts.containsKey(key), "raw rows for " + key);
            if (!row.get("median_us").isEmpty()) {
                Bootstrap.Interval expected = Bootstrap.medianInterval(medians.get(key).stream().mapToDouble(Double::doubleValue).toArray());
                assertInterval(expected, row, "median_us", "median_ci_low_us", "median_ci_high_us", 1);
            }
            double[] c = counts.get(key);
            assertEquals(c[0], number(row, "sent"), 0.5, "sent by " + key);
            assertEquals(c[1], number(row, "lost"), 0.5, "lost by " + key);
            assertEquals(c[2] > 0, e9Saturated(row), "saturated: any repetition of " + key + " was");
            assertEquals(c[3], number(row, "repetitions"), 0.5, "repetitions of " + key);
        }
    }
}
