package org.browsersocket.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.browsersocket.experiments.Percentiles;

/**
 * The HTTP benchmark's printed table: one line per target at each body size and number of
 * connections, with its ratios to the native server at the same point, then what bounded each
 * point (the client, the machine's cores, or neither: the target's own path), and whether the
 * relay's cache answered the warm requests.
 */
public final class HttpTable {
    /** A point is bound by the machine when this share of its cores is busy. */
    static final double BUSY_MACHINE = 0.9;
    /** A point is bound by the client when its event loops are this busy (cores per loop). */
    static final double BUSY_CLIENT = 0.85;
    /** A point is bound by the page's JavaScript when the renderer's main thread is this busy (cores). */
    static final double BUSY_PAGE_THREAD = 0.85;

    /** What the columns and the bounds say. */
    static final String LEGEND = """
            fails: other statuses, wrong lengths, failed, timed-out or unanswered requests, failed connects (warm-up included);
            page%: requests the page answered itself; cpu us/rq: CPU time of the target's processes per request (native
            server; runtime + Chromium; + relay); rps/nat, p50/nat: over the native server at the same point. Bounds: cores
            busy on average over the window; client: the load generator's event loop; other: the rest of the machine
            (other work, the benchmark's own JVM, the hypervisor's steal).""";

    private HttpTable() {}

    static String header() {
        return String.format(Locale.ROOT, "%-7s %5s  %-36s %9s %8s %8s %8s %6s %5s %9s %8s %8s",
                "body", "conns", "target", "req/s", "p50 ms", "p90 ms", "p99 ms", "fails", "page%", "cpu us/rq",
                "rps/nat", "p50/nat");
    }

    /** One target's line; {@code nativePoint} (the native server at the same point) may be null. */
    static String row(HttpPoint p, HttpPoint nativePoint) {
        String rpsRatio = nativePoint == null ? "-" : String.format(Locale.ROOT, "%.3fx",
                Percentiles.ratio(p.requestsPerSecond(), nativePoint.requestsPerSecond()));
        String p50Ratio = nativePoint == null ? "-" : String.format(Locale.ROOT, "%.1fx",
                Percentiles.ratio(p.p50Micros(), nativePoint.p50Micros()));
        String page = p.target().equals(HttpTargets.NATIVE) ? "-" : String.format(Locale.ROOT, "%.0f", 100 * p.pageShare());
        return String.format(Locale.ROOT, "%-7s %5d  %-36s %9.0f %8.3f %8.3f %8.3f %6d %5s %9.0f %8s %8s",
                size(p.bodyBytes()), p.connections(), HttpTargets.DESCRIPTIONS.getOrDefault(p.target(), p.target()),
                p.requestsPerSecond(), p.p50Micros() / 1e3, p.p90Micros() / 1e3, p.p99Micros() / 1e3, p.failures(), page,
                p.targetCpuMicrosPerRequest(), rpsRatio, p50Ratio) + (p.failures() == 0 ? "" : String.format(Locale.ROOT,
                "%n        failures: %d other statuses, %d wrong lengths, %d failed, %d unanswered, %d failed connects",
                p.otherStatus(), p.wrongLength(), p.failed(), p.unanswered(), p.connectFailures()));
    }

    /**
     * The client check: this benchmark's client and the JDK's HttpClient against the native server
     * at the same point, and what follows for the native figures.
     */
    static String clientCheck(HttpPoint netty, double jdkRequestsPerSecond, double jdkProcessCores, int clientThreads) {
        boolean nettyBusy = netty.clientCores() >= BUSY_CLIENT * clientThreads;
        return String.format(Locale.ROOT, "client check, native server, %s, %d connections: this client (Netty, %d event loop%s)"
                        + " %.0f req/s with its event loop%s %.2f cores busy; the JDK's HttpClient %.0f req/s using %.2f cores"
                        + " (%.2fx)%n  -> %s%n",
                size(netty.bodyBytes()), netty.connections(), clientThreads, clientThreads == 1 ? "" : "s",
                netty.requestsPerSecond(), clientThreads == 1 ? "" : "s", netty.clientCores(), jdkRequestsPerSecond,
                jdkProcessCores, Percentiles.ratio(jdkRequestsPerSecond, netty.requestsPerSecond()),
                nettyBusy ? "this client is busy too: the native figures are a lower bound of what the server does"
                        : jdkRequestsPerSecond < 0.8 * netty.requestsPerSecond()
                        ? "the JDK client would bound the native figures; this one has time to spare, so they are the server's"
                          + " and the machine's (see the bounds below)"
                        : "neither client bounds the native figures (see the bounds below)");
    }

    /** "1 KiB", "64 KiB", "1 MiB", "100 B". */
    static String size(int bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    /**
     * What bounded a point: the client (its event loops busy), the page's JavaScript thread (the
     * renderer's main thread busy), the machine (its cores all busy: client, target and whatever
     * else runs share them), or none of these (each connection waited on the target's path: a
     * closed loop with too few requests in flight to fill anything).
     */
    static String bound(HttpPoint p, int cores, int clientThreads) {
        if (p.clientCores() >= BUSY_CLIENT * clientThreads) {
            return String.format(Locale.ROOT, "client (%.2f cores for %d event loop%s)", p.clientCores(), clientThreads,
                    clientThreads == 1 ? "" : "s");
        }
        if (p.pageThreadCores() >= BUSY_PAGE_THREAD) {
            return String.format(Locale.ROOT, "page's JavaScript thread (%.2f cores; %s)", p.pageThreadCores(), targetSplit(p));
        }
        String split = String.format(Locale.ROOT, "%.2f of %d cores busy: client %.2f, %s, other %.2f", p.machineCores(),
                cores, p.clientCores(), targetSplit(p), p.otherCores());
        if (p.machineCores() >= BUSY_MACHINE * cores) {
            return "machine (" + split + ")";
        }
        return "the target's path, latency (" + split + ")";
    }

    /** The target's CPU by process: the native server; or the runtime, the browser (its page thread) and the relay. */
    static String targetSplit(HttpPoint p) {
        if (p.target().equals(HttpTargets.NATIVE)) {
            return String.format(Locale.ROOT, "server %.2f", p.targetCores());
        }
        String page = String.format(Locale.ROOT, "runtime %.2f, browser %.2f (page thread %.2f)", p.serverCores(),
                p.browserCores(), p.pageThreadCores());
        return p.relayCores() > 0 ? page + String.format(Locale.ROOT, ", relay %.2f", p.relayCores()) : page;
    }

    /**
     * The whole table: points grouped by body size and connections in the order given, each target
     * beside the native server of its group, and the targets that could not be measured (target:
     * why); then the bound of each point and the cache's share.
     */
    public static String format(List<HttpPoint> points, Map<String, String> unavailable, int cores, int clientThreads) {
        Map<String, List<HttpPoint>> groups = new LinkedHashMap<>();
        for (HttpPoint p : points) {
            groups.computeIfAbsent(p.bodyBytes() + "/" + p.connections(), k -> new ArrayList<>()).add(p);
        }
        StringBuilder out = new StringBuilder(header()).append('\n');
        for (List<HttpPoint> group : groups.values()) {
            HttpPoint nativePoint = group.stream().filter(p -> p.target().equals(HttpTargets.NATIVE)).findFirst().orElse(null);
            for (HttpPoint p : group) {
                out.append(row(p, nativePoint)).append('\n');
            }
        }
        unavailable.forEach((target, why) -> out.append(String.format(Locale.ROOT, "not measured: %s: %s%n",
                HttpTargets.DESCRIPTIONS.getOrDefault(target, target), why)));
        out.append("\nwhat bounded each point\n");
        for (HttpPoint p : points) {
            out.append(String.format(Locale.ROOT, "%-7s %5d  %-36s %s%n", size(p.bodyBytes()), p.connections(),
                    HttpTargets.DESCRIPTIONS.getOrDefault(p.target(), p.target()), bound(p, cores, clientThreads)));
        }
        long warmSent = 0;
        long warmAtPage = 0;
        for (HttpPoint p : points) {
            if (p.target().equals(HttpTargets.WARM)) {
                warmSent += p.sent();
                warmAtPage += p.pageRequests();
            }
        }
        if (warmSent > 0) {
            out.append(String.format(Locale.ROOT, "%nrelay cache: %d of %d warm requests reached the page (%s)%n", warmAtPage,
                    warmSent, cacheVerdict(warmAtPage, warmSent)));
        }
        return out.toString();
    }

    /** In words: whether the relay answered the warm requests itself. */
    static String cacheVerdict(long atPage, long sent) {
        if (sent == 0) {
            return "not measured";
        }
        double share = (double) atPage / sent;
        if (share >= 0.9) {
            return "the relay kept no copy: every request went to the page";
        }
        if (share <= 0.01) {
            return "the relay answered them from its cache";
        }
        return String.format(Locale.ROOT, "the relay answered %.0f%% of them itself", 100 * (1 - share));
    }
}
