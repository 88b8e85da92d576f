package org.browsersocket.experiments.addressing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * E7: can a page-hosted listener behind a NAT be reached at the addresses the address service
 * tells it, once advertised in the discovery service? The original work proposed Teredo for
 * this; here it runs for real, in network namespaces (tools/netlab.sh).
 *
 * <p>For nat2 cone and nat2 symmetric (nat1 is always a cone NAT), a fresh lab each:
 * <ul>
 *   <li>inet (the "internet"): the address service (:7050) and the discovery service (:7060, embedded
 *       store in a temporary directory);</li>
 *   <li>home1: a host runtime (:7040/:7041) and the demo site (:8080); a Chromium in home1 opens the
 *       demo's echo page (the original usage example: an echo server in the page), asks the address
 *       service for the listener's URLs ({@code bs.reachableUrls}, over IPv4 and over IPv6 = Teredo)
 *       and advertises them under a fresh name in the discovery service;</li>
 *   <li>home2: a host runtime and the demo site too; a Chromium in home2 looks the name up
 *       ({@code discovery_ms}: from the start of the lookup to having the URLs) and connects to each
 *       URL with a plain {@code WebSocket}: success is open plus one echo round trip within 5 s
 *       ({@code connect_ms}: from {@code new WebSocket} to the echo, or to the failure).</li>
 * </ul>
 * Both browsers run inside their homes and are driven from the root namespace over the management
 * veths. Everything is torn down afterwards, also on failure or Ctrl-C.
 */
public final class AddressingExperiment {
    /** One URL kind tried from home2 under one NAT case; {@code detail} has no commas. */
    public record Row(String addressKind, String nat, boolean success, double discoveryMs, double connectMs,
                      String detail) {
    }

    public static final String CSV_HEADER = "address_kind,nat,success,discovery_ms,connect_ms,detail";
    static final String IPV4 = "nat_ipv4";
    static final String TEREDO = "teredo_ipv6";

    private static final int CONTROL_PORT = 7040;
    private static final int PUBLIC_PORT = 7041;
    private static final int ADDRESS_PORT = 7050;
    private static final int DISCOVERY_PORT = 7060;
    private static final int SITE_PORT = 8080;
    private static final String SITE = "http://127.0.0.1:" + SITE_PORT;
    private static final String RUNTIME = "http://127.0.0.1:" + CONTROL_PORT;
    /** Open plus one echo round trip must happen within this, per attempt. */
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(5);
    private static final Duration START = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AddressingExperiment() {
    }

    /**
     * Runs E7 for nat2 cone and nat2 symmetric: two rows each (the NAT'd IPv4 URL, the Teredo URL).
     * {@code quick}: one connection attempt per URL instead of three.
     *
     * @throws IllegalStateException (one line) when this machine cannot run the lab: not root,
     *                               netlab packages or Chromium missing
     */
    public static List<Row> run(boolean quick, Path repoRoot) throws Exception {
        String why = Lab.unavailable(repoRoot);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        for (String executable : List.of(LabBrowser.BROWSER, LabBrowser.DRIVER)) {
            if (!new File(executable).canExecute()) {
                throw new IllegalStateException(executable + " is missing: apt-get install chromium chromium-driver");
            }
        }
        if (!Files.isExecutable(repoRoot.resolve("tools/netlab-browser.sh"))) {
            throw new IllegalStateException("no executable " + repoRoot.resolve("tools/netlab-browser.sh"));
        }
        List<Row> rows = new ArrayList<>();
        for (String nat : List.of("cone", "symmetric")) {
            rows.addAll(runCase(quick ? 1 : 3, repoRoot, nat));
        }
        return rows;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<Row> rows;
        try {
            rows = run(quick, repositoryRoot());
        } catch (IllegalStateException e) {
            System.err.println("E7 not run: " + e.getMessage());
            System.exit(2);
            return;
        } catch (InterruptedException e) {
            System.err.println(e.getMessage()); // the JVM is exiting already: no System.exit here
            return;
        }
        System.out.println(CSV_HEADER);
        for (Row row : rows) {
            System.out.println(csv(row));
        }
    }

    /** One CSV line of {@link #CSV_HEADER}; a time that was not measured is empty. */
    public static String csv(Row row) {
        return String.join(",", row.addressKind(), row.nat(), Boolean.toString(row.success()),
                millis(row.discoveryMs()), millis(row.connectMs()), clean(row.detail()));
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.1f", ms);
    }

    // -------------------------------------------------------------------------------------------
    // one NAT case

    /** Set once the JVM is shutting down (Ctrl-C, SIGTERM): no case starts, no row is reported. */
    private static volatile boolean stopping;

    private static void checkNotStopping() throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("E7 stopped: the JVM is shutting down (everything was torn down)");
        }
    }

    private static List<Row> runCase(int attempts, Path repoRoot, String nat) throws Exception {
        checkNotStopping();
        Lab lab = Lab.named(repoRoot, "e7" + nat.charAt(0), nat);
        Teardown teardown = new Teardown(lab);
        Thread hook = new Thread(() -> {
            stopping = true;
            teardown.runQuietly();
        }, "E7 teardown " + lab.name());
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            stopping = true;
            checkNotStopping();
        }
        Set<String> chromiumTempsBefore = chromiumTemps();
        long started = System.nanoTime();
        try {
            Path workdir = teardown.workdir(Files.createTempDirectory("browsersocket-e7-"));
            log(nat, "building lab " + lab.name());
            lab.up();
            log(nat, String.format(Locale.ROOT, "lab up in %.1f s: home1 Teredo %s, home2 Teredo %s",
                    seconds(started), lab.address("HOME1_TEREDO"), lab.address("HOME2_TEREDO")));
            checkNotStopping();
            startEverything(lab, workdir, teardown);
            log(nat, String.format(Locale.ROOT, "services, runtimes, sites and browsers up at %.1f s",
                    seconds(started)));
            checkNotStopping();
            List<Row> rows = experiment(lab, teardown, attempts);
            checkNotStopping(); // a tear-down in the middle would have made the rows meaningless
            log(nat, String.format(Locale.ROOT, "done at %.1f s", seconds(started)));
            return rows;
        } catch (Exception e) {
            checkNotStopping(); // what failed because of the tear-down is not the failure to report
            throw e;
        } finally {
            teardown.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran: teardown is idempotent
            }
            Set<String> left = chromiumTemps();
            left.removeAll(chromiumTempsBefore);
            if (!left.isEmpty()) {
                // Not deleted: with TMPDIR pointing into the work directory ours are not there, so
                // these belong to another Chromium on this machine.
                log(nat, "note: new /tmp/org.chromium.Chromium.* during this case (not ours?): " + left);
            }
            log(nat, String.format(Locale.ROOT, "torn down at %.1f s", seconds(started)));
        }
    }

    private static void startEverything(Lab lab, Path workdir, Teardown teardown) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        Path javaTmp = Files.createDirectories(workdir.resolve("java-tmp")); // e.g. SQLite's native library
        Path store = Files.createDirectories(workdir.resolve("discovery-store"));
        String v4 = "http://" + lab.address("SERVICE_V4");
        String v6 = "http://[" + lab.address("SERVICE_V6") + "]";

        record Spec(String name, String ns, List<String> args, String readyText) {
        }
        List<Spec> specs = new ArrayList<>();
        specs.add(new Spec("address-service", "inet", List.of("org.browsersocket.address.Main",
                "--port", "" + ADDRESS_PORT), "(IPv6)"));
        specs.add(new Spec("discovery-service", "inet", List.of("org.browsersocket.discovery.Main",
                "--port", "" + DISCOVERY_PORT, "--store", "embedded:" + store), "(IPv6)"));
        for (String home : List.of("home1", "home2")) {
            specs.add(new Spec("host-runtime in " + home, home, List.of("org.browsersocket.runtime.Main",
                    "--control-port", "" + CONTROL_PORT, "--public-port", "" + PUBLIC_PORT,
                    "--allow-origin", SITE, "--config-dir",
                    Path.of(System.getProperty("java.io.tmpdir"), "browsersocket-lab-" + home).toString()), "ws://["));
            specs.add(new Spec("demo-site in " + home, home, List.of("org.browsersocket.demo.DemoSite",
                    "--port", "" + SITE_PORT, "--runtime", RUNTIME,
                    "--address-service-v4", v4 + ":" + ADDRESS_PORT,
                    "--address-service-v6", v6 + ":" + ADDRESS_PORT,
                    "--discovery-service", v4 + ":" + DISCOVERY_PORT), "demo-site listening"));
        }
        List<LabProcess> started = new ArrayList<>();
        for (Spec spec : specs) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace(spec.ns()),
                    java, "-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + javaTmp, "-cp", classpath));
            command.addAll(spec.args());
            String readyText = spec.readyText();
            started.add(teardown.add(LabProcess.start(spec.name(), command, line -> line.contains(readyText))));
        }
        LabBrowser browser1 = teardown.add(LabBrowser.startDriver(lab, "home1", workdir));
        LabBrowser browser2 = teardown.add(LabBrowser.startDriver(lab, "home2", workdir));
        started.add(browser1.chromedriver());
        started.add(browser2.chromedriver());
        for (LabProcess process : started) {
            process.awaitReady(START);
        }
        // Both browsers start at once (each takes about a second).
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                browser2.openSession(lab, workdir);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        browser1.openSession(lab, workdir);
        try {
            second.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    // -------------------------------------------------------------------------------------------
    // the experiment proper, in the two browsers

    /**
     * In home1's echo page (the original example, {@code var bs = new BrowserSocket(echoHandlerFactory)}):
     * wait for the listener, ask the address services for its URLs, advertise each.
     */
    private static final String ADVERTISE = """
            var endpoints = arguments[0], discoveryUrl = arguments[1], name = arguments[2];
            var done = arguments[arguments.length - 1];
            if (typeof bs === 'undefined') {
              done(JSON.stringify({error: 'no listener in the page: ' + document.body.innerText}));
              return;
            }
            var t0 = performance.now(), t1;
            bs.ready.then(function () { return bs.reachableUrls(endpoints); }).then(function (urls) {
              t1 = performance.now();
              var discovery = new BrowserSocketDiscovery(discoveryUrl);
              return Promise.all(urls.map(function (u) {
                return discovery.advertise(name, JSON.stringify({url: u.url, family: u.family, teredo: u.teredo}),
                                           {ttl: 300});
              })).then(function () {
                done(JSON.stringify({urls: urls, errors: urls.errors || [],
                                     addressMs: t1 - t0, advertiseMs: performance.now() - t1}));
              });
            }).catch(function (e) { done(JSON.stringify({error: String(e && e.message || e)})); });
            """;

    /** In home2's page: load the library from home2's runtime, then look the name up (timed). */
    private static final String LOOKUP = """
            var runtime = arguments[0], discoveryUrl = arguments[1], name = arguments[2];
            var done = arguments[arguments.length - 1];
            function lookup() {
              var t0 = performance.now();
              new BrowserSocketDiscovery(discoveryUrl).lookup(name).then(function (values) {
                var found = values.map(function (v) { return JSON.parse(v.value); });
                done(JSON.stringify({ms: performance.now() - t0, values: found}));
              }, function (e) { done(JSON.stringify({error: 'lookup failed: ' + e.message, ms: performance.now() - t0})); });
            }
            if (typeof BrowserSocketDiscovery !== 'undefined') { lookup(); return; }
            var script = document.createElement('script');
            script.src = runtime + '/browsersocket.js';
            script.onload = lookup;
            script.onerror = function () { done(JSON.stringify({error: 'cannot load ' + script.src})); };
            document.head.appendChild(script);
            """;

    /**
     * In home2's page: for each URL (in parallel), {@code attempts} plain WebSocket connections one
     * after the other; each succeeds with open plus one echo round trip within the deadline.
     */
    private static final String CONNECT = """
            var urls = arguments[0], attempts = arguments[1], deadline = arguments[2];
            var done = arguments[arguments.length - 1];
            function attempt(url) {
              return new Promise(function (resolve) {
                var t0 = performance.now(), opened = false, finished = false, ws;
                var token = 'e7-' + Math.random().toString(36).slice(2);
                function finish(ok, why) {
                  if (finished) return;
                  finished = true;
                  clearTimeout(timer);
                  var ms = performance.now() - t0;
                  try { ws.close(); } catch (e) {}
                  resolve({ok: ok, ms: ms, why: why});
                }
                var timer = setTimeout(function () {
                  finish(false, (opened ? 'no echo within ' : 'not open within ') + deadline + ' ms');
                }, deadline);
                try { ws = new WebSocket(url); } catch (e) { finish(false, 'WebSocket threw ' + e.message); return; }
                ws.onopen = function () { opened = true; ws.send(token); };
                ws.onmessage = function (e) { finish(e.data === token, e.data === token ? 'echo' : 'wrong echo'); };
                ws.onclose = function (e) { finish(false, (opened ? 'closed ' : 'closed before open ') + e.code); };
              });
            }
            function series(url) {
              var results = [], chain = Promise.resolve();
              for (var i = 0; i < attempts; i++) {
                chain = chain.then(function () { return attempt(url).then(function (r) { results.push(r); }); });
              }
              return chain.then(function () { return results; });
            }
            Promise.all(urls.map(series)).then(function (all) { done(JSON.stringify(all)); });
            """;

    private static List<Row> experiment(Lab lab, Teardown teardown, int attempts) throws Exception {
        String nat = lab.nat2();
        LabBrowser home1 = teardown.browser(0);
        LabBrowser home2 = teardown.browser(1);
        String name = String.format(Locale.ROOT, "e7-%08x", ThreadLocalRandom.current().nextInt());
        String v4 = "http://" + lab.address("SERVICE_V4");
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("ipv4", v4 + ":" + ADDRESS_PORT);
        endpoints.put("ipv6", "http://[" + lab.address("SERVICE_V6") + "]:" + ADDRESS_PORT);
        String discovery = v4 + ":" + DISCOVERY_PORT;

        // home1: listen, learn the URLs, advertise them.
        home1.open(SITE + "/echo/");
        JsonNode advertised = JSON.readTree((String) home1.asyncScript(ADVERTISE, endpoints, discovery, name));
        if (advertised.has("error")) {
            throw new IOException("home1's page could not listen and advertise: " + advertised.path("error").asText());
        }
        log(nat, String.format(Locale.ROOT, "home1 learnt %d URL(s) in %.1f ms and advertised them in %.1f ms: %s%s",
                advertised.path("urls").size(), advertised.path("addressMs").asDouble(),
                advertised.path("advertiseMs").asDouble(), urls(advertised.path("urls")),
                advertised.path("errors").isEmpty() ? "" : " errors " + advertised.path("errors")));

        // home2: look them up.
        home2.open(SITE + "/");
        JsonNode found = JSON.readTree((String) home2.asyncScript(LOOKUP, RUNTIME, discovery, name));
        double discoveryMs = found.path("ms").asDouble(Double.NaN);
        if (found.has("error")) {
            String why = "home2 found nothing: " + found.path("error").asText();
            return List.of(new Row(IPV4, nat, false, discoveryMs, Double.NaN, why),
                    new Row(TEREDO, nat, false, discoveryMs, Double.NaN, why));
        }
        log(nat, String.format(Locale.ROOT, "home2 found %d URL(s) in %.1f ms", found.path("values").size(),
                discoveryMs));

        // home2: connect to each kind of URL it found.
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        for (JsonNode value : found.path("values")) {
            String kind = value.path("family").asInt() == 4 ? IPV4
                    : value.path("teredo").isObject() ? TEREDO : "ipv6_native";
            byKind.putIfAbsent(kind, value);
        }
        List<String> kinds = new ArrayList<>(List.of(IPV4, TEREDO));
        byKind.keySet().stream().filter(k -> !kinds.contains(k)).forEach(kinds::add);
        List<String> tried = kinds.stream().filter(byKind::containsKey).toList();
        List<String> targets = tried.stream().map(k -> byKind.get(k).path("url").asText() + "e7").toList();
        JsonNode results = JSON.readTree((String) home2.asyncScript(CONNECT, targets, attempts,
                CONNECT_DEADLINE.toMillis()));

        List<Row> rows = new ArrayList<>();
        for (String kind : kinds) {
            JsonNode value = byKind.get(kind);
            if (value == null) {
                String why = "no " + kind + " URL advertised; home1's address answers: "
                        + urls(advertised.path("urls")) + " errors " + advertised.path("errors");
                rows.add(new Row(kind, nat, false, discoveryMs, Double.NaN, why));
                continue;
            }
            JsonNode series = results.get(tried.indexOf(kind));
            rows.add(row(lab, kind, value, series, discoveryMs));
        }
        return rows;
    }

    /**
     * Success: every attempt echoed. connect_ms: the first (cold) attempt, which includes what a
     * peer meets first (Teredo's hole punching, SYN timeouts); the detail lists every attempt.
     */
    private static Row row(Lab lab, String kind, JsonNode value, JsonNode series, double discoveryMs) {
        int ok = 0;
        List<String> outcomes = new ArrayList<>();
        for (JsonNode attempt : series) {
            boolean echoed = attempt.path("ok").asBoolean();
            ok += echoed ? 1 : 0;
            outcomes.add(String.format(Locale.ROOT, "%.1f ms %s", attempt.path("ms").asDouble(),
                    echoed ? "echo" : attempt.path("why").asText()));
        }
        StringBuilder detail = new StringBuilder(redact(value.path("url").asText()));
        if (kind.equals(IPV4)) {
            String nat1 = lab.address("NAT1_PUBLIC");
            detail.append(value.path("url").asText().contains("//" + nat1 + ":")
                    ? " (nat1's public address)" : " (not nat1's public address " + nat1 + ")");
        }
        JsonNode teredo = value.path("teredo");
        if (teredo.isObject()) {
            detail.append(" teredo server ").append(teredo.path("server").asText())
                    .append(" client ").append(teredo.path("client").asText()).append(':')
                    .append(teredo.path("port").asText()).append(" cone flag ").append(teredo.path("cone").asText());
        }
        detail.append("; ").append(ok).append('/').append(series.size()).append(" echoed: ")
                .append(String.join(" / ", outcomes));
        double first = series.isEmpty() ? Double.NaN : series.get(0).path("ms").asDouble();
        return new Row(kind, lab.nat2(), ok == series.size() && ok > 0, discoveryMs, first, detail.toString());
    }

    private static String urls(JsonNode urls) {
        List<String> list = new ArrayList<>();
        for (JsonNode u : urls) {
            list.add(redact(u.path("url").asText()));
        }
        return String.join(" ", list);
    }

    /** A URL with the capability (the listener's prefix) cut short, as the runtime's status page does. */
    private static String redact(String url) {
        int slash = url.indexOf('/', url.indexOf("//") + 2);
        if (slash < 0 || url.length() <= slash + 6) {
            return url;
        }
        return url.substring(0, slash + 5) + "…/";
    }

    private static String clean(String detail) {
        return detail.replace(',', ';').replace('\n', ' ').replace('\r', ' ');
    }

    // -------------------------------------------------------------------------------------------
    // tear-down

    /** Everything a case started, stopped in reverse, then the lab and the work directory: once. */
    private static final class Teardown {
        private final Lab lab;
        private Path workdir;
        private final List<LabProcess> processes = new ArrayList<>();
        private final List<LabBrowser> browsers = new ArrayList<>();
        private boolean done;

        Teardown(Lab lab) {
            this.lab = lab;
        }

        synchronized Path workdir(Path dir) {
            workdir = dir;
            return dir;
        }

        /** Something started while the tear-down ran (a signal came mid-start) is stopped at once. */
        synchronized LabProcess add(LabProcess process) throws InterruptedException {
            if (done) {
                process.stop(Duration.ofSeconds(5));
                checkNotStopping();
            }
            processes.add(process);
            return process;
        }

        synchronized LabBrowser add(LabBrowser browser) throws InterruptedException {
            if (done) {
                browser.close();
                checkNotStopping();
            }
            browsers.add(browser);
            return browser;
        }

        synchronized LabBrowser browser(int index) {
            return browsers.get(index);
        }

        void runQuietly() {
            try {
                run();
            } catch (RuntimeException e) {
                System.err.println("E7: tearing down: " + e);
            }
        }

        synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            for (LabBrowser browser : browsers) {
                browser.close();
            }
            // All at once: each gets SIGTERM, then SIGKILL after 5 s.
            List<CompletableFuture<Void>> stops = processes.stream().map(p -> CompletableFuture.runAsync(() -> {
                try {
                    if (p.stop(Duration.ofSeconds(5))) {
                        System.err.println("E7: " + p.name() + " ignored SIGTERM; killed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })).toList();
            stops.forEach(CompletableFuture::join);
            // Whatever still runs in the lab's namespaces (Chromium's helpers, miredo) goes with it.
            String problems = lab.down();
            if (!problems.isEmpty()) {
                System.err.println("E7: " + problems.strip());
            }
            if (workdir == null) {
                return;
            }
            deleteRecursively(workdir);
            if (Files.exists(workdir)) {
                System.err.println("E7: could not delete " + workdir);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("E7: deleting " + dir + ": " + e.getMessage());
        }
    }

    private static Set<String> chromiumTemps() {
        try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("org.chromium.Chromium."))
                    .collect(Collectors.toCollection(HashSet::new));
        } catch (IOException e) {
            return new HashSet<>();
        }
    }

    // -------------------------------------------------------------------------------------------

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String nat, String message) {
        System.err.println("E7 [nat2 " + nat + "] " + message);
    }

    /** The nearest directory up from the working one with tools/netlab.sh. */
    static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("tools/netlab.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no tools/netlab.sh in " + start + " or above");
    }
}
