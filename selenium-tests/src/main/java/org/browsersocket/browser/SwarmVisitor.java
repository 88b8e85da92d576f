package org.browsersocket.browser;

import java.util.List;
import org.browsersocket.bench.CpuTimes;
import java.util.Map;

/**
 * One visitor of the demo game in a Chromium of its own: arrives (opens the page and waits until
 * every asset is loaded), reports its swarm's counters, and says what it holds. A liar is a visitor
 * whose page serves every file of a version with bytes of the right length, all wrong.
 */
public final class SwarmVisitor implements AutoCloseable {
    /** The game's assets, as the page loads them. */
    public static final List<String> ASSETS = List.of("assets/level.json", "assets/sounds.bin", "assets/tiles/grass.png",
            "assets/tiles/water.png", "assets/tiles/sand.png", "assets/tiles/rock.png", "assets/tiles/forest.png",
            "assets/tiles/snow.png");

    private final Chromium browser;
    private long loadCpuMillis;

    private SwarmVisitor(Chromium browser) {
        this.browser = browser;
    }

    /** A visitor of {@code stack}'s game page with {@code query} (e.g. "" or "?swarm=off"), once it has loaded. */
    public static SwarmVisitor arrive(SwarmStack stack, String query) throws Exception {
        return arrive(stack, query, false);
    }

    /**
     * The same, for measuring: once its browser has started, it waits for the machine to be quiet,
     * so that {@link #loadCpuMillis()} is the page's load and not the end of the browser's start.
     */
    public static SwarmVisitor arriveQuietly(SwarmStack stack, String query) throws Exception {
        return arrive(stack, query, true);
    }

    private static SwarmVisitor arrive(SwarmStack stack, String query, boolean quietFirst) throws Exception {
        SwarmVisitor visitor = new SwarmVisitor(Chromium.start());
        try {
            if (quietFirst) {
                awaitQuiet();
            }
            long before = CpuTimes.machineBusyTicks();
            visitor.browser.open(stack.page(query));
            // One call that returns when the page has loaded (the page checks itself), not a poll from here.
            visitor.browser.asyncScript("var done = arguments[arguments.length - 1];"
                    + "(function check() { if (window.tileQuest && window.tileQuest.loaded) done(true); else setTimeout(check, 5); })();");
            visitor.loadCpuMillis = Math.round((CpuTimes.machineBusyTicks() - before) * 1000 / CpuTimes.TICKS_PER_SECOND);
        } catch (RuntimeException e) {
            visitor.close();
            throw e;
        }
        return visitor;
    }

    /** The URL this visitor's page serves peers at (its advert's last: loopback). */
    public String servingUrl() {
        return browser.script("var u = window.tileQuest.swarm.urls; return u[u.length - 1]");
    }

    /**
     * The transport alone, from this page: every piece of the manifest's files fetched at once over
     * {@code peers} (in turn) with plain fetch(), or from the origin when {@code peers} is empty,
     * nothing verified or kept. Returns {@code [milliseconds, bytes, machine CPU milliseconds]}.
     */
    public long[] fetchEveryPiece(List<String> peers) throws InterruptedException {
        awaitQuiet();
        long before = CpuTimes.machineBusyTicks();
        Map<String, Object> result = browser.asyncScript("""
                var done = arguments[arguments.length - 1], bases = arguments[0];
                fetch('/swarm/manifest.json', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (m) {
                  var asks = [];
                  m.files.forEach(function (f) {
                    var n = f.size > m.pieceSize ? Math.ceil(f.size / m.pieceSize) : 1;
                    for (var i = 0; i < n; i++) asks.push({ path: f.path, range: n > 1 ? 'bytes=' + i * m.pieceSize + '-' + (Math.min(f.size, (i + 1) * m.pieceSize) - 1) : null });
                  });
                  var start = performance.now();
                  return Promise.all(asks.map(function (a, i) {
                    var url = bases.length ? bases[i % bases.length] + 'v' + m.version + '/' + a.path : '/' + a.path;
                    return fetch(url, { cache: 'no-store', headers: a.range ? { Range: a.range } : {} }).then(function (r) {
                      if (r.status !== (a.range ? 206 : 200)) throw new Error(url + ': HTTP ' + r.status);
                      return r.arrayBuffer();
                    });
                  })).then(function (bodies) {
                    done({ ms: performance.now() - start, bytes: bodies.reduce(function (n, b) { return n + b.byteLength; }, 0) });
                  });
                }).catch(function (e) { done({ error: e.message }); });
                """, peers);
        if (result.containsKey("error")) {
            throw new IllegalStateException("fetching every piece failed: " + result.get("error"));
        }
        long cpu = Math.round((CpuTimes.machineBusyTicks() - before) * 1000 / CpuTimes.TICKS_PER_SECOND);
        return new long[] {Math.round(((Number) result.get("ms")).doubleValue()), ((Number) result.get("bytes")).longValue(), cpu};
    }

    /** Waits (5 s at most) until the machine's cores are less than a quarter busy over a tenth of a second. */
    private static void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            long before = CpuTimes.machineBusyTicks();
            Thread.sleep(100); // the window the machine's busy time is read over
            if (CpuTimes.cores(CpuTimes.machineBusyTicks() - before, 0.1) < 0.25) {
                return;
            }
        }
    }

    /** CPU time the whole machine spent (all processes, all cores) from opening the page until it had loaded, in ms. */
    public long loadCpuMillis() {
        return loadCpuMillis;
    }

    /** A page of {@code stack} that advertises itself for {@code version} and answers every file wrongly; returns it and its URL. */
    public static Map.Entry<SwarmVisitor, String> liar(SwarmStack stack, int version) throws Exception {
        SwarmVisitor liar = arrive(stack, "?swarm=off");
        String url = liar.browser.asyncScript("""
                var done = arguments[arguments.length - 1], runtime = arguments[0], discovery = arguments[1], version = arguments[2];
                var s = document.createElement('script'); s.src = runtime + '/browsersocket.js';
                s.onload = function () {
                  fetch('/swarm/manifest.json').then(function (r) { return r.json(); }).then(function (m) {
                    var sizes = {}; m.files.forEach(function (f) { sizes[f.path] = f.size; });
                    var bs = new BrowserSocket(function () { return {}; });
                    bs.onrequest = function (request) {
                      var path = request.path.replace(/^\\/v\\d+\\//, '');
                      if (!(path in sizes)) return new Response('no', { status: 404 });
                      return new Response(new Uint8Array(sizes[path]).fill(66), { headers: { 'Access-Control-Allow-Origin': '*' } });
                    };
                    return bs.ready.then(function () {
                      var url = 'http://127.0.0.1:' + bs.port + bs.resourcePrefix;
                      return new BrowserSocketDiscovery(discovery).advertise('browsersocket-swarm/game/v' + version,
                        JSON.stringify({ urls: [url] }), { ttl: 300 }).then(function () { done(url); });
                    });
                  }).catch(function (e) { done('failed: ' + e.message); });
                };
                document.head.appendChild(s);
                """, stack.runtimeUrl(), stack.discoveryUrl(), version);
        if (!url.startsWith("http://")) {
            liar.close();
            throw new IllegalStateException("the liar did not start: " + url);
        }
        return Map.entry(liar, url);
    }

    /** Waits until the page has loaded every asset (after a reload too). */
    public void awaitLoaded() {
        browser.await(d -> Boolean.TRUE.equals(browser.script("return window.tileQuest && window.tileQuest.loaded")));
    }

    public Chromium browser() {
        return browser;
    }

    /** How long the page took from its script's start to the last asset, in ms. */
    public double loadMillis() {
        return ((Number) browser.script("return window.tileQuest.loadMs")).doubleValue();
    }

    /** What the page's swarm counted so far. */
    public SwarmStats stats() {
        Map<String, Object> s = browser.script("var s = window.tileQuest.swarm.stats; return {fromPeers: s.fromPeers,"
                + " fromOrigin: s.fromOrigin, served: s.served, version: s.version, peerFailures: s.peerFailures,"
                + " rejected: s.rejected.map(function (r) { return (r.peer ? r.peer + ': ' : '') + r.reason; })};");
        @SuppressWarnings("unchecked")
        List<String> rejected = (List<String>) s.get("rejected");
        return new SwarmStats(number(s, "fromOrigin"), number(s, "fromPeers"), number(s, "served"), number(s, "version"),
                number(s, "peerFailures"), rejected);
    }

    private static long number(Map<String, Object> values, String key) {
        Object v = values.get(key);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** The base64url SHA-256 of each asset as the page holds it (through its swarm: its verified store). */
    public Map<String, Object> assetHashes() {
        return browser.asyncScript("var done = arguments[arguments.length - 1], swarm = window.tileQuest.swarm, out = {};"
                + "Promise.all(arguments[0].map(function (p) { return swarm.fetch(p).then(function (r) { return r.arrayBuffer(); })"
                + ".then(function (b) { return crypto.subtle.digest('SHA-256', b); }).then(function (d) {"
                + " out[p] = btoa(String.fromCharCode.apply(null, new Uint8Array(d))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, ''); }); }))"
                + ".then(function () { done(out); }, function (e) { done({error: e.message}); });", ASSETS);
    }

    @Override
    public void close() {
        browser.close();
    }

    /** A page's swarm counters: bytes from the origin and from peers, served to peers, its version, failed peer requests, refusals. */
    public record SwarmStats(long fromOrigin, long fromPeers, long served, long version, long peerFailures, List<String> rejected) {
        /** The share of the page's asset bytes that came from peers. */
        public double offload() {
            long total = fromOrigin + fromPeers;
            return total == 0 ? 0 : (double) fromPeers / total;
        }
    }
}
