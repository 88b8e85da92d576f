package org.browsersocket.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The README's headline table, rendered from the result files alone, so every figure in it is a
 * cell of a CSV (or a median or count of cells) of the committed run. {@code --write README.md}
 * replaces the table between its two marker comments; {@code ReadmeHeadlineTableTest} fails
 * when the README's table is not what the result files give.
 */
public final class HeadlineTable {
    static final String BEGIN = "<!-- headline-table: written by HeadlineTable from paper/results; do not edit -->";
    static final String END = "<!-- headline-table end -->";

    private final Path results;

    private HeadlineTable(Path results) {
        this.results = results;
    }

    /**
     * {@code [--write README.md] [RESULTS_DIR]}: prints the table, or writes it into the README
     * between its markers.
     */
    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>(List.of(args));
        Path readme = null;
        if (!rest.isEmpty() && rest.get(0).equals("--write")) {
            readme = Path.of(rest.get(1));
            rest = rest.subList(2, rest.size());
        }
        String table = render(Path.of(rest.isEmpty() ? "paper/results" : rest.get(0)));
        if (readme == null) {
            System.out.print(table);
            return;
        }
        Files.writeString(readme, replace(Files.readString(readme, StandardCharsets.UTF_8), table), StandardCharsets.UTF_8);
        System.out.println("wrote the headline table into " + readme);
    }

    /** {@code readme} with the text between the markers replaced by {@code table}. */
    static String replace(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the README has no headline-table markers");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }

    /** The text between the README's markers as it stands. */
    static String current(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the README has no headline-table markers");
        }
        return readme.substring(begin + BEGIN.length() + 1, end);
    }

    /** The table and the sentence naming the run, from the result files in {@code results}. */
    static String render(Path results) throws IOException {
        return new HeadlineTable(results).render();
    }

    private String render() throws IOException {
        JsonNode env = new ObjectMapper().readTree(results.resolve("e1_latency.env.json").toFile());
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "All from one `make experiments` run at commit %s (%s; %s, %d cores, %.1f GiB; %s; %s). "
                        + "Medians over repetitions, with the 95%% bootstrap interval in brackets where the experiment "
                        + "repeats; ratio = page-hosted / native Java-WebSocket, each server in a process of its own.%n%n",
                env.path("git_commit").asText(), env.path("date").asText().substring(0, 10), env.path("cpu_model").asText(),
                env.path("cores").asInt(), env.path("memory_bytes").asDouble() / (1L << 30), env.path("chromium").asText(),
                env.path("jvm").asText()));
        out.append("| experiment | page-hosted | native | ratio |\n|---|---|---|---|\n");
        latency(out, 64, "64 B");
        latency(out, 65536, "64 KiB");
        throughput(out);
        scale(out);
        setup(out);
        browser(out);
        discovery(out);
        addressing(out);
        http(out);
        swarm(out);
        offered(out);
        return out.toString();
    }

    private void latency(StringBuilder out, int size, String label) throws IOException {
        Map<String, String> r = row("e1_latency", x -> x.get("message_bytes").equals(String.valueOf(size)));
        out.append(String.format(Locale.ROOT, "| E1 echo round trip, %s, %s round trips per server | %s µs %s; through a relay %s µs"
                        + " | %s µs %s (Node.js `ws`: %s µs); floor (native + page bounce) %s µs | %s× (%s×); page / floor %s |%n",
                label, count(r, "samples_per_server"), count(r, "page_median_us"), interval(r, "page_ci_low_us", "page_ci_high_us", 0),
                count(r, "relay_median_us"), count(r, "java_median_us"), interval(r, "java_ci_low_us", "java_ci_high_us", 0),
                count(r, "node_median_us"), count(r, "floor_median_us"), fixed(r, "ratio_java_median", 1),
                fixed(r, "ratio_node_median", 1), fixed(r, "ratio_floor_median", 2)));
    }

    private void throughput(StringBuilder out) throws IOException {
        Map<String, String> small = row("e2_throughput", x -> x.get("message_bytes").equals("64") && x.get("clients").equals("100"));
        out.append(String.format(Locale.ROOT, "| E2 throughput, 64 B messages, 100 clients, msg/s | %s %s; through a relay %s | %s %s"
                        + " (Node.js `ws`: %s) | %s (%s); lost: %s |%n",
                count(small, "page_msgs_per_s"), interval(small, "page_ci_low_msgs_per_s", "page_ci_high_msgs_per_s", 0),
                count(small, "relay_msgs_per_s"), count(small, "java_msgs_per_s"),
                interval(small, "java_ci_low_msgs_per_s", "java_ci_high_msgs_per_s", 0), count(small, "node_msgs_per_s"),
                fixed(small, "ratio_java", 2), fixed(small, "ratio_node", 2), lost(small)));
        Map<String, String> big = row("e2_throughput", x -> x.get("message_bytes").equals("65536") && x.get("clients").equals("10"));
        out.append(String.format(Locale.ROOT, "| E2 throughput, 64 KiB messages, 10 clients, MB/s | %s; through a relay %s | %s"
                        + " (Node.js `ws`: %s) | %s (%s); lost: %s |%n",
                fixed(big, "page_mb_per_s", 1), fixed(big, "relay_mb_per_s", 1), fixed(big, "java_mb_per_s", 1),
                fixed(big, "node_mb_per_s", 1), fixed(big, "ratio_java", 2), fixed(big, "ratio_node", 2), lost(big)));
    }

    private void scale(StringBuilder out) throws IOException {
        List<Map<String, String>> levels = ResultFile.read(results, "e3_scale");
        Map<String, String> first = levels.get(0);
        Map<String, String> last = levels.get(levels.size() - 1);
        double page = number(last, "runtime_slope_bytes_per_connection");
        double nat = number(last, "native_slope_bytes_per_connection");
        out.append(String.format(Locale.ROOT, "| E3 idle peers on one page, %s → %s | runtime +%s B per added peer (after GC), page heap %s B"
                        + " per peer; %s connections/s | +%s B per added peer; %s connections/s | %s |%n",
                count(first, "connections"), count(last, "connections"), String.format(Locale.ROOT, "%,.0f", page),
                count(last, "page_heap_bytes_per_connection"), count(last, "page_connect_per_s"),
                String.format(Locale.ROOT, "%,.0f", nat), count(last, "native_connect_per_s"),
                String.format(Locale.ROOT, "%.2f", Percentiles.ratio(page, nat))));
    }

    private void setup(StringBuilder out) throws IOException {
        for (String[] measure : new String[][] {{"handshake_single", "one WebSocket handshake alone"},
                {"handshake_burst", "100 handshakes at once, each"}}) {
            Map<String, String> page = row("e4_setup", x -> x.get("measure").equals(measure[0]) && x.get("server").equals("page"));
            Map<String, String> java = row("e4_setup", x -> x.get("measure").equals(measure[0]) && x.get("server").equals("java"));
            Map<String, String> node = row("e4_setup", x -> x.get("measure").equals(measure[0]) && x.get("server").equals("node"));
            out.append(String.format(Locale.ROOT, "| E4 %s, ms | %s %s | %s %s (Node.js `ws`: %s) | %s× |%n", measure[1],
                    fixed(page, "median_ms", 2), interval(page, "ci_low_ms", "ci_high_ms", 2), fixed(java, "median_ms", 2),
                    interval(java, "ci_low_ms", "ci_high_ms", 2), fixed(node, "median_ms", 2), fixed(page, "ratio_java_median", 1)));
        }
        Map<String, String> page = row("e4_setup", x -> x.get("measure").equals("listener_ready") && x.get("server").equals("page"));
        Map<String, String> bind = row("e4_setup", x -> x.get("measure").equals("listener_ready") && !x.get("server").equals("page"));
        out.append(String.format(Locale.ROOT, "| E4 `new BrowserSocket()` to ready, ms | %s %s | %s (a running process binds and listens)"
                        + " | %s× |%n", fixed(page, "median_ms", 2), interval(page, "ci_low_ms", "ci_high_ms", 2),
                fixed(bind, "median_ms", 3), fixed(page, "ratio_java_median", 0)));
    }

    private void browser(StringBuilder out) throws IOException {
        List<Map<String, String>> rooms = ResultFile.read(results, "e5_browser");
        List<String> page = new ArrayList<>();
        List<String> nat = new ArrayList<>();
        List<String> ratio = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (Map<String, String> r : rooms) {
            sizes.add(r.get("participants"));
            page.add(fixed(r, "page_median_ms", 2));
            nat.add(fixed(r, "native_median_ms", 2));
            ratio.add(fixed(r, "ratio_median", 1) + "×");
        }
        out.append(String.format(Locale.ROOT, "| E5 browser to browser round trip, %s participants, ms | %s | %s (native relay) | %s |%n",
                String.join(" / ", sizes), String.join(" / ", page), String.join(" / ", nat), String.join(" / ", ratio)));
    }

    private void discovery(StringBuilder out) throws IOException {
        Map<String, String> put = row("e6_discovery", x -> x.get("op").equals("put"));
        Map<String, String> get = row("e6_discovery", x -> x.get("op").equals("get"));
        out.append(String.format(Locale.ROOT, "| E6 discovery put / get, 16 `wrk` connections, ops/s | embedded store: %s / %s"
                        + " (%s / %s µs CPU each) | Redis: %s / %s (%s / %s µs CPU each, service and Redis) | %s / %s |%n",
                count(put, "embedded_ops_per_s"), count(get, "embedded_ops_per_s"), count(put, "embedded_cpu_us_per_op"),
                count(get, "embedded_cpu_us_per_op"), count(put, "redis_ops_per_s"), count(get, "redis_ops_per_s"),
                count(put, "redis_cpu_us_per_op"), count(get, "redis_cpu_us_per_op"), fixed(put, "ratio_ops", 2),
                fixed(get, "ratio_ops", 2)));
    }

    private void addressing(StringBuilder out) throws IOException {
        List<Map<String, String>> connects = ResultFile.read(results, "e7_addressing").stream()
                .filter(r -> r.get("kind").equals("connect")).toList();
        long joined = connects.stream().filter(r -> number(r, "successes") > 0).count();
        long successes = Math.round(connects.stream().mapToDouble(r -> number(r, "successes")).sum());
        long attempts = Math.round(connects.stream().mapToDouble(r -> number(r, "attempts")).sum());
        Map<String, String> rtt = row("e7_relay_cost", x -> x.get("metric").equals("rtt_median_ms"));
        Map<String, String> rate = row("e7_relay_cost", x -> x.get("metric").equals("throughput_mb_per_s"));
        out.append(String.format(Locale.ROOT, "| E7 reachability, %d lab topologies | `connect()` joined in %d of %d topologies,"
                        + " %d of %d attempts | | relay / direct (%s), same run: round trip %s×, throughput %s× |%n",
                connects.size(), joined, connects.size(), successes, attempts, rtt.get("topology"), fixed(rtt, "ratio", 2),
                fixed(rate, "ratio", 2)));
    }

    private void http(StringBuilder out) throws IOException {
        Predicate<Map<String, String>> point = x -> x.get("body_bytes").equals("1024") && x.get("connections").equals("8");
        Map<String, String> page = row("e8_http", point.and(x -> x.get("target").equals("page")));
        Map<String, String> nat = row("e8_http", point.and(x -> x.get("target").equals("native")));
        out.append(String.format(Locale.ROOT, "| E8a HTTP from a page, 1 KiB bodies, 8 connections, requests/s | %s (p99 %s ms)"
                        + " | %s (p99 %s ms, Netty) | %s |%n", count(page, "requests_per_s"),
                String.format(Locale.ROOT, "%.1f", number(page, "p99_us") / 1000), count(nat, "requests_per_s"),
                String.format(Locale.ROOT, "%.1f", number(nat, "p99_us") / 1000), fixed(page, "ratio_rps", 2)));
    }

    private void swarm(StringBuilder out) throws IOException {
        List<Map<String, String>> rows = ResultFile.read(results, "e8_swarm");
        double swarm = median(rows, r -> r.get("phase").equals("arrival") && r.get("mode").equals("swarm"), "load_ms");
        double origin = median(rows, r -> r.get("phase").equals("baseline") && r.get("mode").equals("origin"), "load_ms");
        double offload = median(rows, r -> r.get("phase").equals("arrival") && !r.get("visitor").equals("1"), "offload");
        long altered = Math.round(rows.stream().mapToDouble(r -> number(r, "altered_accepted")).sum());
        long arrivals = rows.stream().filter(r -> r.get("phase").equals("arrival")).count();
        out.append(String.format(Locale.ROOT, "| E8b the demo game's assets, %d visitors one after another, load ms | %.0f;"
                        + " offload from the second visitor %.2f; %d altered assets accepted from a liar | %.0f (origin alone) | %.2f× |%n",
                arrivals, swarm, offload, altered, origin, Percentiles.ratio(swarm, origin)));
    }

    private void offered(StringBuilder out) throws IOException {
        List<Map<String, String>> rows = ResultFile.read(results, "e9_offered_load");
        List<String> rates = rows.stream().map(r -> r.get("offered_per_s")).distinct().toList();
        List<String> page = new ArrayList<>();
        List<String> nat = new ArrayList<>();
        List<String> ratio = new ArrayList<>();
        for (String rate : List.of(rates.get(0), rates.get(rates.size() - 1))) {
            Map<String, String> p = row("e9_offered_load", x -> x.get("offered_per_s").equals(rate) && x.get("server").equals("page"));
            Map<String, String> j = row("e9_offered_load", x -> x.get("offered_per_s").equals(rate) && x.get("server").equals("java"));
            page.add(count(p, "p99_us") + (p.get("saturated").equals("1") ? " (saturated)" : ""));
            nat.add(count(j, "p99_us") + (j.get("saturated").equals("1") ? " (saturated)" : ""));
            ratio.add(String.format(Locale.ROOT, "%.1f×", Percentiles.ratio(number(p, "p99_us"), number(j, "p99_us"))));
        }
        out.append(String.format(Locale.ROOT, "| E9 p99 latency at %s / %s msg/s offered (open loop), µs | %s | %s | %s |%n",
                count(Map.of("x", rates.get(0)), "x"), count(Map.of("x", rates.get(rates.size() - 1)), "x"),
                String.join(" / ", page), String.join(" / ", nat), String.join(" / ", ratio)));
    }

    private Map<String, String> row(String file, Predicate<Map<String, String>> which) throws IOException {
        return ResultFile.read(results, file).stream().filter(which).findFirst()
                .orElseThrow(() -> new IOException(file + ".csv has no row the headline table needs"));
    }

    private static double median(List<Map<String, String>> rows, Predicate<Map<String, String>> which, String column) {
        return Bootstrap.median(rows.stream().filter(which).mapToDouble(r -> number(r, column)).toArray());
    }

    private static double number(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static String count(Map<String, String> row, String column) {
        return String.format(Locale.ROOT, "%,.0f", number(row, column));
    }

    private static String fixed(Map<String, String> row, String column, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", number(row, column));
    }

    private static String interval(Map<String, String> row, String low, String high, int decimals) {
        return "[" + fixed(row, low, decimals) + "–" + fixed(row, high, decimals) + "]";
    }

    private static String lost(Map<String, String> row) {
        return String.format(Locale.ROOT, "%.0f", number(row, "page_lost") + number(row, "relay_lost") + number(row, "java_lost")
                + number(row, "node_lost"));
    }
}
