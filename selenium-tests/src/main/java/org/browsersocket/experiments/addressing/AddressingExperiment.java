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
 * E7, the reachability table: can a peer in another network reach a page-hosted listener, in every
 * topology of the network lab (tools/netlab.sh), and by which of the listener's candidates?
 *
 * <p>Each topology gets a fresh lab:
 * <ul>
 *   <li>inet (the "internet"): the address service (:7050), the discovery service (:7060, embedded
 *       store in a temporary directory) and a relay: a host runtime started with {@code --relay} on
 *       the relay host's address, public port 7041;</li>
 *   <li>home1: a host runtime (:7040/:7041, port mapping on, registered with the relay by
 *       {@code --via-relay}) and the demo site (:8080); a Chromium in home1 opens the demo's echo
 *       page (the original usage example), takes {@code await bs.reachableUrls()} (every candidate,
 *       best first) and advertises each in the discovery service under a fresh name;</li>
 *   <li>home2: a host runtime (no port mapping) and the demo site; a Chromium in home2, for each
 *       attempt, looks the name up ({@code discovery_ms}) and then either opens a plain WebSocket to
 *       the candidate of one kind ({@code connect_ms}: to open plus one echo round trip), or calls
 *       {@code BrowserSocket.connect(candidates)} as a user's page would (kind {@code connect}; the
 *       winning candidate's kind is recorded).</li>
 * </ul>
 * In one topology where the direct path works ({@link #COST_TOPOLOGY}), home2's browser also
 * measures echo round trips and throughput over the direct candidate and over the relay
 * ({@link Cost}). Both browsers run inside their homes and are driven from the root namespace over
 * the management veths. Everything is torn down afterwards, also on failure or Ctrl-C.
 */
public final class AddressingExperiment {
    /**
     * One candidate kind (or {@code connect}) tried from home2 in one topology. Times are medians
     * over the attempts ({@code connectMs} over the successful ones only: NaN when none succeeded);
     * {@code winner}: the kind {@code connect()} opened ({@code -} for a single kind); {@code detail}:
     * the attempts' outcomes, counted, no commas.
     */
    public record Row(String topology, String kind, int attempts, int successes, double discoveryMs,
                      double connectMs, String winner, String detail) {
    }

    /** Relay cost: one metric over the direct candidate and the relay, in one topology and run. */
    public record Cost(String topology, String metric, int attempted, int directSamples, int relaySamples,
                       double direct, double relay) {
        /** relay / direct (0 when direct is 0). */
        public double ratio() {
            return direct == 0 ? 0 : relay / direct;
        }
    }

    /** What {@link #run} measured. */
    public record Result(List<Row> rows, List<Cost> costs) {
    }

    public static final String CSV_HEADER = "topology,kind,attempts,successes,discovery_ms,connect_ms,winner,detail";
    public static final String COST_HEADER = "topology,metric,attempted,direct_samples,relay_samples,direct,relay,ratio";

    /** A way the lab is built: {@code netlab.sh up} options, and whether home1 gets a public address. */
    record Topology(String name, Map<String, String> options, boolean publicHome1) {
    }

    static final List<Topology> TOPOLOGIES = List.of(
            new Topology("public", Map.of(), true),
            new Topology("cone", Map.of("NAT1", "cone", "NAT2", "cone"), false),
            new Topology("symmetric", Map.of("NAT1", "symmetric", "NAT2", "cone"), false),
            new Topology("both_symmetric", Map.of("NAT1", "symmetric", "NAT2", "symmetric"), false),
            new Topology("upnp", Map.of("NAT1", "cone", "GATEWAY1", "upnp"), false),
            new Topology("ipv6_open", Map.of("IPV6", "1"), false),
            new Topology("ipv6_firewalled", Map.of("IPV6", "1", "V6FW1", "1"), false),
            new Topology("ipv6_pinhole", Map.of("IPV6", "1", "V6FW1", "1", "GATEWAY1", "upnp"), false));
    /** Where the relay's cost is measured: the gateway's mapping is the direct path. */
    static final String COST_TOPOLOGY = "upnp";
    static final String COST_DIRECT_KIND = "mapped";
    /** The address home1 holds in topology {@code public}, routed to it through nat1 untranslated. */
    static final String HOME1_PUBLIC = "203.0.113.21";
    /** Kinds in the order rows are written (the page's own order: best first). */
    static final List<String> KINDS = List.of("public", "mapped", "ipv6", "teredo", "public_unconfirmed", "ipv6_unconfirmed",
            "teredo_unconfirmed", "relay");

    private static final int CONTROL_PORT = 7040;
    private static final int PUBLIC_PORT = 7041;
    private static final int ADDRESS_PORT = 7050;
    private static final int DISCOVERY_PORT = 7060;
    private static final int SITE_PORT = 8080;
    private static final String SITE = "http://127.0.0.1:" + SITE_PORT;
    private static final String RUNTIME = "http://127.0.0.1:" + CONTROL_PORT;
    /** Open plus one echo round trip must happen within this, per attempt of one kind. */
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(5);
    /** {@code connect()}'s own timeout (its default). */
    static final Duration CONNECT_ALL_TIMEOUT = Duration.ofSeconds(10);
    /** How long home1's runtime may take to register with the relay / get a mapping. */
    private static final Duration REACHABILITY_WAIT = Duration.ofSeconds(30);
    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AddressingExperiment() {
    }

    /**
     * Runs E7 in every topology. {@code quick}: one attempt per row and a shorter relay-cost
     * measurement (2 x 50 round trips, 2 x 1 s of throughput per path) instead of three attempts,
     * 2 x 100 round trips and 2 x 2 s.
     *
     * @throws IllegalStateException (one line) when this machine cannot run the lab: not root,
     *                               netlab packages or Chromium missing
     */
    public static Result run(boolean quick, Path repoRoot) throws Exception {
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
        String only = System.getenv("E7_TOPOLOGIES"); // for trying one topology by hand
        return run(quick, repoRoot, only == null || only.isBlank() ? null : Arrays.asList(only.split(",")));
    }

    /** Runs E7 in the topologies named in {@code only} (null: all), in their table order. */
    static Result run(boolean quick, Path repoRoot, List<String> only) throws Exception {
        List<Row> rows = new ArrayList<>();
        List<Cost> costs = new ArrayList<>();
        for (Topology topology : TOPOLOGIES) {
            if (only == null || only.contains(topology.name())) {
                runCase(quick, repoRoot, topology, rows, costs);
            }
        }
        return new Result(rows, costs);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        Result result;
        try {
            result = run(quick, repositoryRoot());
        } catch (IllegalStateException e) {
            System.err.println("E7 not run: " + e.getMessage());
            System.exit(2);
            return;
        } catch (InterruptedException e) {
            System.err.println(e.getMessage()); // the JVM is exiting already: no System.exit here
            return;
        }
        System.out.println(CSV_HEADER);
        for (Row row : result.rows()) {
            System.out.println(String.join(",", row.topology(), row.kind(), "" + row.attempts(), "" + row.successes(),
                    millis(row.discoveryMs()), millis(row.connectMs()), row.winner(), row.detail()));
        }
        System.out.println(COST_HEADER);
        for (Cost cost : result.costs()) {
            System.out.println(String.join(",", cost.topology(), cost.metric(), "" + cost.attempted(),
                    "" + cost.directSamples(), "" + cost.relaySamples(), millis(cost.direct()), millis(cost.relay()),
                    String.format(Locale.ROOT, "%.3f", cost.ratio())));
        }
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.1f", ms);
    }

    // -------------------------------------------------------------------------------------------
    // one topology

    /** Set once the JVM is shutting down (Ctrl-C, SIGTERM): no case starts, no row is reported. */
    private static volatile boolean stopping;

    private static void checkNotStopping() throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("E7 stopped: the JVM is shutting down (everything was torn down)");
        }
    }

    private static void runCase(boolean quick, Path repoRoot, Topology topology, List<Row> rows, List<Cost> costs)
            throws Exception {
        checkNotStopping();
        Lab lab = Lab.named(repoRoot, "e7", topology.options());
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
        String name = topology.name();
        try {
            Path workdir = teardown.workdir(Files.createTempDirectory("browsersocket-e7-"));
            log(name, "building lab " + lab.name() + " " + topology.options());
            lab.up();
            if (topology.publicHome1()) {
                givePublicAddress(lab);
            }
            log(name, String.format(Locale.ROOT, "lab up in %.1f s", seconds(started)));
            checkNotStopping();
            LabProcess home1Runtime = startEverything(lab, workdir, teardown);
            log(name, String.format(Locale.ROOT, "services, relay, runtimes, sites and browsers up at %.1f s",
                    seconds(started)));
            boolean registered = home1Runtime.awaitOutput(l -> l.contains("relay ") && l.contains("registered"),
                    REACHABILITY_WAIT);
            boolean gateway = "upnp".equals(topology.options().get("GATEWAY1"));
            boolean mapped = !gateway || home1Runtime.awaitOutput(l -> l.contains("port mapping:"), REACHABILITY_WAIT);
            log(name, String.format(Locale.ROOT, "home1's runtime at %.1f s: relay %s%s; %s", seconds(started),
                    registered ? "registered" : "NOT registered",
                    gateway ? (mapped ? ", gateway answered" : ", NO mapping") : "",
                    home1Runtime.lines(l -> l.contains("relay") || l.contains("port mapping")
                            || l.contains("pinhole"))));
            checkNotStopping();
            experiment(lab, topology, teardown, quick, rows, costs);
            checkNotStopping(); // a tear-down in the middle would have made the rows meaningless
            log(name, String.format(Locale.ROOT, "done at %.1f s", seconds(started)));
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
                log(name, "note: new /tmp/org.chromium.Chromium.* during this case (not ours?): " + left);
            }
            log(name, String.format(Locale.ROOT, "torn down at %.1f s", seconds(started)));
        }
    }

    /**
     * Topology {@code public}: home1 also holds {@link #HOME1_PUBLIC} on its interface, routed to it
     * through nat1 (proxy ARP on its public side), which neither translates nor filters that address
     * (a routed public address, as a host in a DMZ or on a provider's routed subnet has). Its outgoing connections keep their
     * private source address and still leave through the NAT. Everything goes with the namespaces.
     */
    private static void givePublicAddress(Lab lab) throws IOException, InterruptedException {
        lab.exec("home1", "ip", "addr", "add", HOME1_PUBLIC + "/32", "dev", "eth0");
        lab.exec("nat1", "ip", "route", "add", HOME1_PUBLIC + "/32", "dev", "lan");
        lab.exec("nat1", "nft", "insert", "rule", "ip", "netlab", "forward", "ip", "daddr", HOME1_PUBLIC, "accept");
        // nat1 answers ARP for it on the public segment, where inet and nat2 see it as on-link.
        lab.exec("nat1", "sysctl", "-q", "-w", "net.ipv4.conf.wan.proxy_arp=1");
    }

    /** Starts the services, the relay, both homes' runtimes and sites, and both browsers; home1's runtime. */
    private static LabProcess startEverything(Lab lab, Path workdir, Teardown teardown) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        Path javaTmp = Files.createDirectories(workdir.resolve("java-tmp")); // e.g. SQLite's native library
        Path store = Files.createDirectories(workdir.resolve("discovery-store"));
        String v4 = "http://" + lab.address("SERVICE_V4");
        String v6 = "http://[" + lab.address("SERVICE_V6") + "]";
        String relay = "ws://" + lab.address("RELAY_V4") + ":" + PUBLIC_PORT;

        record Spec(String name, String ns, List<String> args, String readyText) {
        }
        List<Spec> specs = new ArrayList<>();
        specs.add(new Spec("address-service", "inet", List.of("org.browsersocket.address.Main",
                "--port", "" + ADDRESS_PORT), "(IPv6)"));
        specs.add(new Spec("discovery-service", "inet", List.of("org.browsersocket.discovery.Main",
                "--port", "" + DISCOVERY_PORT, "--store", "embedded:" + store), "(IPv6)"));
        // The relay: an ordinary runtime with --relay. Its per-registrant byte budget (16 MiB/s by
        // default) is lifted so that the cost measurement sees the path, not the budget.
        specs.add(new Spec("relay", "inet", List.of("org.browsersocket.runtime.Main",
                "--control-port", "" + CONTROL_PORT, "--public-port", "" + PUBLIC_PORT, "--relay",
                "--relay-kib-per-second", "" + (1 << 20), "--no-port-mapping",
                "--config-dir", workdir.resolve("config-relay").toString(),
                "--relay-cache-dir", workdir.resolve("relay-cache").toString()), "ws://["));
        for (String home : List.of("home1", "home2")) {
            List<String> runtime = new ArrayList<>(List.of("org.browsersocket.runtime.Main",
                    "--control-port", "" + CONTROL_PORT, "--public-port", "" + PUBLIC_PORT,
                    "--allow-origin", SITE, "--config-dir", workdir.resolve("config-" + home).toString()));
            if (home.equals("home1")) {
                runtime.addAll(List.of("--via-relay", relay)); // port mapping stays on (the default)
            } else {
                runtime.add("--no-port-mapping"); // home2 only looks up and connects
            }
            specs.add(new Spec("host-runtime in " + home, home, runtime, "ws://["));
            specs.add(new Spec("demo-site in " + home, home, List.of("org.browsersocket.demo.DemoSite",
                    "--port", "" + SITE_PORT, "--runtime", RUNTIME,
                    "--address-service-v4", v4 + ":" + ADDRESS_PORT,
                    "--address-service-v6", v6 + ":" + ADDRESS_PORT,
                    "--discovery-service", v4 + ":" + DISCOVERY_PORT), "demo-site listening"));
        }
        List<LabProcess> started = new ArrayList<>();
        LabProcess home1Runtime = null;
        for (Spec spec : specs) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace(spec.ns()),
                    java, "-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + javaTmp, "-cp", classpath));
            command.addAll(spec.args());
            String readyText = spec.readyText();
            LabProcess process = teardown.add(LabProcess.start(spec.name(), command, line -> line.contains(readyText)));
            started.add(process);
            if (spec.name().equals("host-runtime in home1")) {
                home1Runtime = process;
            }
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
        return home1Runtime;
    }

    // -------------------------------------------------------------------------------------------
    // the experiment proper, in the two browsers

    /**
     * In home1's echo page (the original example, {@code var bs = new BrowserSocket(echoHandlerFactory)}):
     * wait for the listener, take every candidate {@code reachableUrls()} gives (best first) and
     * advertise each under the name, with its rank.
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
              return Promise.all(urls.map(function (u, rank) {
                return discovery.advertise(name, JSON.stringify({rank: rank, url: u.url, kind: u.kind, family: u.family,
                                                                 confirmed: u.confirmed}), {ttl: 3600});
              })).then(function () {
                done(JSON.stringify({urls: urls, errors: urls.errors || [],
                                     addressMs: t1 - t0, advertiseMs: performance.now() - t1}));
              });
            }).catch(function (e) { done(JSON.stringify({error: String(e && e.message || e)})); });
            """;

    /** In home2's page: load the library from home2's runtime (once). */
    private static final String LOAD = """
            var runtime = arguments[0];
            var done = arguments[arguments.length - 1];
            if (typeof BrowserSocketDiscovery !== 'undefined') { done('ok'); return; }
            var script = document.createElement('script');
            script.src = runtime + '/browsersocket.js';
            script.onload = function () { done('ok'); };
            script.onerror = function () { done('cannot load ' + script.src); };
            document.head.appendChild(script);
            """;

    /** Shared by the attempts in home2: the timed lookup and one echo over an open WebSocket. */
    private static final String HELPERS = """
            function e7lookup(discoveryUrl, name) {
              var t0 = performance.now();
              return new BrowserSocketDiscovery(discoveryUrl).lookup(name).then(function (values) {
                var found = values.map(function (v) { return JSON.parse(v.value); });
                found.sort(function (a, b) { return a.rank - b.rank; });
                return {ms: performance.now() - t0, candidates: found};
              });
            }
            function e7echo(ws, t0, deadline) {
              return new Promise(function (resolve) {
                var finished = false, token = 'e7-' + Math.random().toString(36).slice(2);
                function finish(ok, why) {
                  if (finished) return;
                  finished = true;
                  clearTimeout(timer);
                  resolve({ok: ok, ms: performance.now() - t0, why: why});
                  try { ws.close(); } catch (e) {}
                }
                var timer = setTimeout(function () { finish(false, 'no echo'); }, Math.max(1, deadline - (performance.now() - t0)));
                ws.onmessage = function (e) { finish(e.data === token, e.data === token ? 'echo' : 'wrong echo'); };
                ws.onclose = function (e) { finish(false, 'closed ' + e.code); };
                ws.send(token);
              });
            }
            """;

    /**
     * In home2's page, one attempt of one kind: look the name up, then a plain WebSocket to the
     * advertised candidate of that kind; success is open plus one echo within the deadline.
     */
    private static final String ATTEMPT_KIND = HELPERS + """
            var discoveryUrl = arguments[0], name = arguments[1], kind = arguments[2], deadline = arguments[3];
            var done = arguments[arguments.length - 1];
            e7lookup(discoveryUrl, name).then(function (found) {
              var c = found.candidates.filter(function (c) { return e7kind(c) === kind; })[0];
              if (!c) { done(JSON.stringify({discoveryMs: found.ms, ok: false, why: 'not advertised'})); return; }
              var t0 = performance.now(), opened = false, ws;
              var timer = setTimeout(function () {
                if (opened) return;
                try { ws.close(); } catch (e) {}
                done(JSON.stringify({discoveryMs: found.ms, ok: false, why: 'timeout'}));
              }, deadline);
              try { ws = new WebSocket(c.url); } catch (e) {
                clearTimeout(timer);
                done(JSON.stringify({discoveryMs: found.ms, ok: false, why: 'refused by the browser'}));
                return;
              }
              ws.onopen = function () {
                opened = true;
                clearTimeout(timer);
                e7echo(ws, t0, deadline).then(function (r) {
                  done(JSON.stringify({discoveryMs: found.ms, ok: r.ok, ms: r.ms, why: r.why}));
                });
              };
              ws.onclose = function (e) {
                if (opened) return;
                clearTimeout(timer);
                done(JSON.stringify({discoveryMs: found.ms, ok: false, why: 'closed ' + e.code}));
              };
            }, function (e) { done(JSON.stringify({ok: false, why: 'lookup failed'})); });
            function e7kind(c) { return c.confirmed ? c.kind : c.kind + '_unconfirmed'; }
            """;

    /**
     * In home2's page, one attempt as a user's page makes it: look the name up, then
     * {@code BrowserSocket.connect(candidates)}; success is open plus one echo within its timeout.
     */
    private static final String ATTEMPT_CONNECT = HELPERS + """
            var discoveryUrl = arguments[0], name = arguments[1], timeout = arguments[2];
            var done = arguments[arguments.length - 1];
            e7lookup(discoveryUrl, name).then(function (found) {
              var t0 = performance.now();
              BrowserSocket.connect(found.candidates, undefined, {timeout: timeout}).then(function (ws) {
                var c = ws.candidate, won = c.confirmed ? c.kind : c.kind + '_unconfirmed';
                e7echo(ws, t0, timeout).then(function (r) {
                  done(JSON.stringify({discoveryMs: found.ms, ok: r.ok, ms: r.ms, why: r.why, winner: won}));
                });
              }, function (e) {
                var why = performance.now() - t0 >= timeout - 50 ? 'timeout' : 'all failed';
                done(JSON.stringify({discoveryMs: found.ms, ok: false, why: why}));
              });
            }, function (e) { done(JSON.stringify({ok: false, why: 'lookup failed'})); });
            """;

    /**
     * In home2's page, relay cost over one URL: {@code rounds} echo round trips of 64 bytes one
     * after the other (after 20 unmeasured ones), then {@code seconds} of 64 KiB binary messages with
     * up to 8 in flight; bytes counted as they come back.
     */
    private static final String COST = """
            var url = arguments[0], rounds = arguments[1], seconds = arguments[2];
            var done = arguments[arguments.length - 1];
            var ws = new WebSocket(url);
            ws.binaryType = 'arraybuffer';
            var failed = setTimeout(function () { finish('timeout'); }, 20000 + rounds * 100 + seconds * 1000);
            var rtts = [], bytes = 0, messages = 0, tputMs = 0, lost = 0;
            function finish(error) {
              clearTimeout(failed);
              try { ws.close(); } catch (e) {}
              done(JSON.stringify({error: error || null, rtts: rtts, bytes: bytes, messages: messages, ms: tputMs,
                                   lost: lost}));
            }
            var small = 'x'.repeat(64);
            function pingPong(n, record) {
              return new Promise(function (resolve) {
                var i = 0, t0;
                function next() {
                  if (i >= n) { resolve(); return; }
                  var mine = setTimeout(function () { lost += record ? 1 : 0; i++; next(); }, 2000);
                  ws.onmessage = function () {
                    clearTimeout(mine);
                    if (record) rtts.push(performance.now() - t0);
                    i++; next();
                  };
                  t0 = performance.now();
                  ws.send(small);
                }
                next();
              });
            }
            function flood() {
              return new Promise(function (resolve) {
                var big = new Uint8Array(65536), inFlight = 0, t0 = performance.now(), stopAt = t0 + seconds * 1000;
                function pump() {
                  while (inFlight < 8 && performance.now() < stopAt) { ws.send(big); inFlight++; }
                }
                ws.onmessage = function (e) {
                  inFlight--; bytes += e.data.byteLength; messages++;
                  if (performance.now() < stopAt) pump();
                  else if (inFlight === 0) { tputMs = performance.now() - t0; resolve(); }
                };
                pump();
              });
            }
            ws.onerror = function () { finish('error'); };
            ws.onopen = function () {
              pingPong(20, false).then(function () { return pingPong(rounds, true); })
                .then(flood).then(function () { finish(null); });
            };
            """;

    private static void experiment(Lab lab, Topology topology, Teardown teardown, boolean quick, List<Row> rows,
                                   List<Cost> costs) throws Exception {
        String name = topology.name();
        int attempts = quick ? 1 : 3;
        LabBrowser home1 = teardown.browser(0);
        LabBrowser home2 = teardown.browser(1);
        String key = String.format(Locale.ROOT, "e7-%08x", ThreadLocalRandom.current().nextInt());
        String v4 = "http://" + lab.address("SERVICE_V4");
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("ipv4", v4 + ":" + ADDRESS_PORT);
        endpoints.put("ipv6", "http://[" + lab.address("SERVICE_V6") + "]:" + ADDRESS_PORT);
        String discovery = v4 + ":" + DISCOVERY_PORT;

        // home1: listen, take every candidate, advertise them.
        home1.open(SITE + "/echo/");
        JsonNode advertised = JSON.readTree((String) home1.asyncScript(ADVERTISE, endpoints, discovery, key));
        if (advertised.has("error")) {
            throw new IOException("home1's page could not listen and advertise: " + advertised.path("error").asText());
        }
        List<String> kinds = new ArrayList<>();
        Map<String, String> urlOf = new LinkedHashMap<>();
        List<String> described = new ArrayList<>();
        for (JsonNode u : advertised.path("urls")) {
            String kind = u.path("confirmed").asBoolean() ? u.path("kind").asText()
                    : u.path("kind").asText() + "_unconfirmed";
            described.add(kind + " " + redact(u.path("url").asText()) + " (" + u.path("detail").asText() + ")");
            if (!urlOf.containsKey(kind)) {
                urlOf.put(kind, u.path("url").asText());
            }
        }
        KINDS.stream().filter(urlOf::containsKey).forEach(kinds::add);
        urlOf.keySet().stream().filter(k -> !kinds.contains(k)).forEach(kinds::add);
        log(name, String.format(Locale.ROOT, "home1 took %d candidate(s) in %.1f ms, advertised in %.1f ms: %s%s",
                described.size(), advertised.path("addressMs").asDouble(), advertised.path("advertiseMs").asDouble(),
                String.join(" | ", described),
                advertised.path("errors").isEmpty() ? "" : "; errors " + advertised.path("errors")));

        // home2: each kind on its own, then connect() over all of them.
        home2.open(SITE + "/");
        Object loaded = home2.asyncScript(LOAD, RUNTIME);
        if (!"ok".equals(loaded)) {
            throw new IOException("home2's page: " + loaded);
        }
        List<String> tried = new ArrayList<>(kinds);
        for (String expected : expectedKinds(topology)) {
            if (!tried.contains(expected)) {
                log(name, "expected a " + expected + " candidate; home1 did not advertise one");
                tried.add(expected); // tried anyway: the row says "not advertised"
            }
        }
        for (String kind : tried) {
            List<JsonNode> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                results.add(JSON.readTree((String) home2.asyncScript(ATTEMPT_KIND, discovery, key, kind,
                        CONNECT_DEADLINE.toMillis())));
            }
            Row row = row(name, kind, results);
            log(name, "  " + kind + ": " + row.successes() + "/" + row.attempts() + " " + row.detail()
                    + " connect " + millis(row.connectMs()) + " ms");
            rows.add(row);
        }
        List<JsonNode> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            results.add(JSON.readTree((String) home2.asyncScript(ATTEMPT_CONNECT, discovery, key,
                    CONNECT_ALL_TIMEOUT.toMillis())));
        }
        Row connect = row(name, "connect", results);
        log(name, "  connect(): " + connect.successes() + "/" + connect.attempts() + " won " + connect.winner()
                + " " + connect.detail() + " connect " + millis(connect.connectMs()) + " ms");
        rows.add(connect);

        if (name.equals(COST_TOPOLOGY)) {
            costs.addAll(cost(name, home2, urlOf.get(COST_DIRECT_KIND), urlOf.get("relay"), quick));
        }
    }

    /** The kinds a topology should give (a row even when home1 did not advertise one). */
    static List<String> expectedKinds(Topology topology) {
        List<String> kinds = new ArrayList<>();
        if (topology.publicHome1()) {
            kinds.add("public");
        }
        if ("upnp".equals(topology.options().get("GATEWAY1"))) {
            kinds.add("mapped");
        }
        if ("1".equals(topology.options().get("IPV6"))) {
            kinds.add("ipv6");
        }
        kinds.add("relay");
        return kinds;
    }

    /** A row out of the attempts' results (JSON {discoveryMs, ok, ms, why, winner?}). */
    static Row row(String topology, String kind, List<JsonNode> results) {
        List<Double> discovery = new ArrayList<>();
        List<Double> connect = new ArrayList<>();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        Map<String, Integer> winners = new LinkedHashMap<>();
        int ok = 0;
        for (JsonNode r : results) {
            if (r.has("discoveryMs")) {
                discovery.add(r.path("discoveryMs").asDouble());
            }
            boolean success = r.path("ok").asBoolean();
            if (success) {
                ok++;
                connect.add(r.path("ms").asDouble());
            }
            outcomes.merge(success ? "echo" : r.path("why").asText("failed"), 1, Integer::sum);
            if (success && r.has("winner")) {
                winners.merge(r.path("winner").asText(), 1, Integer::sum);
            }
        }
        String detail = outcomes.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining("; "));
        String winner = winners.isEmpty() ? "-" : String.join("/", winners.keySet());
        return new Row(topology, kind, results.size(), ok, median(discovery), median(connect), winner,
                clean(detail));
    }

    /**
     * Echo RTT and throughput from home2 over the direct URL and the relay URL, alternating: three
     * passes over both, the first a warm-up; each pass a fresh WebSocket.
     */
    private static List<Cost> cost(String topology, LabBrowser home2, String direct, String relay, boolean quick)
            throws IOException {
        if (direct == null || relay == null) {
            log(topology, "relay cost not measured: no " + (direct == null ? COST_DIRECT_KIND : "relay") + " candidate");
            return List.of();
        }
        int rounds = quick ? 50 : 100;
        int seconds = quick ? 1 : 2;
        int repeats = 3; // the first pass over both paths warms them up and is not counted
        List<Double> rttDirect = new ArrayList<>();
        List<Double> rttRelay = new ArrayList<>();
        double[] bytes = new double[2];
        double[] ms = new double[2];
        for (int i = 0; i < repeats; i++) {
            for (int path = 0; path < 2; path++) {
                String url = path == 0 ? direct : relay;
                JsonNode r = JSON.readTree((String) home2.asyncScript(COST, url, rounds, seconds));
                if (!r.path("error").isNull()) {
                    log(topology, "relay cost over " + redact(url) + ": " + r.path("error").asText());
                }
                for (JsonNode rtt : i == 0 ? List.<JsonNode>of() : r.path("rtts")) {
                    (path == 0 ? rttDirect : rttRelay).add(rtt.asDouble());
                }
                if (i == 0) {
                    continue;
                }
                bytes[path] += r.path("bytes").asDouble();
                ms[path] += r.path("ms").asDouble();
                log(topology, String.format(Locale.ROOT, "  cost %s: %d RTTs (lost %d), %.1f MB in %.0f ms",
                        path == 0 ? "direct" : "relay", r.path("rtts").size(), r.path("lost").asInt(),
                        r.path("bytes").asDouble() / 1e6, r.path("ms").asDouble()));
            }
        }
        int attempted = rounds * (repeats - 1);
        List<Cost> costs = new ArrayList<>();
        costs.add(new Cost(topology, "rtt_median_ms", attempted, rttDirect.size(), rttRelay.size(),
                median(rttDirect), median(rttRelay)));
        costs.add(new Cost(topology, "rtt_p99_ms", attempted, rttDirect.size(), rttRelay.size(),
                percentile(rttDirect, 0.99), percentile(rttRelay, 0.99)));
        costs.add(new Cost(topology, "throughput_mb_per_s", 0, 0, 0,
                ms[0] == 0 ? 0 : bytes[0] / 1e6 / (ms[0] / 1000), ms[1] == 0 ? 0 : bytes[1] / 1e6 / (ms[1] / 1000)));
        return costs;
    }

    static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    /** Nearest-rank percentile; NaN for no values. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        if (p == 0.5 && sorted.size() % 2 == 0) {
            return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
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

    private static void log(String topology, String message) {
        System.err.println("E7 [" + topology + "] " + message);
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
