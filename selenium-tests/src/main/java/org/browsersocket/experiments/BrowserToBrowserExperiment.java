package org.browsersocket.experiments;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.browsersocket.browser.Chromium;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * E5: browser to browser. One Chromium hosts a relay room in its page (every message goes to
 * every participant, as in the chat demo); guests join it with plain WebSockets, and one guest
 * page measures the round trip of its own messages, with 2, 5, 10 and 20 participants (quick: 2
 * and 10): the host and N-1 guest connections, split between two guest Chromiums (the measuring
 * one holds the larger half, its first connection measuring; the other only receives). The same
 * guests then do the same through a native Java-WebSocket relay.
 *
 * <p>The pages are cross-origin isolated (the demo site serves {@code /experiments/} with COOP
 * and COEP), so {@code performance.now()} has 5 us resolution rather than 100 us; the run fails
 * if the measuring page is not isolated, and records the smallest step of its clock it saw. In
 * each of {@code lab.count(2, 3)} rounds both relays are measured at every room size, page first
 * in odd rounds and native first in even ones; each measurement opens its room's connections,
 * sends an unrecorded warm-up batch on them and then records the same number of round trips for
 * both relays. A relay's figure at a room size is the median over rounds of each round's median,
 * with a 95% bootstrap interval; its p99 pools every round's samples. Times are in ms with 3
 * decimals (1 us, finer than the 5 us clock).
 */
final class BrowserToBrowserExperiment {
    static final String NAME = "e5_browser";

    private BrowserToBrowserExperiment() {}

    /** The native relay: broadcasts every message to every connection. */
    static final class JavaRelay extends WebSocketServer implements AutoCloseable {
        private final CountDownLatch started = new CountDownLatch(1);

        JavaRelay() {
            super(new InetSocketAddress("127.0.0.1", 0));
            setTcpNoDelay(true);
        }

        static JavaRelay begin() throws InterruptedException {
            JavaRelay relay = new JavaRelay();
            relay.start();
            if (!relay.started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("native relay did not start");
            }
            return relay;
        }

        String url() {
            return "ws://127.0.0.1:" + getPort() + "/room";
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            broadcast(message);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {}

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

        @Override
        public void onError(WebSocket conn, Exception ex) {}

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void close() throws InterruptedException {
            stop(2000);
        }
    }

    static final String HEADER = "participants,page_median_ms,page_ci_low_ms,page_ci_high_ms,page_p99_ms,"
            + "native_median_ms,native_ci_low_ms,native_ci_high_ms,native_p99_ms,ratio_median,samples_per_relay,"
            + "clock_resolution_us";
    static final String RAW_HEADER = "round,relay,participants,samples,median_ms,p99_ms,lost";
    static final String PAGE = "page";
    static final String NATIVE = "native";
    /** A message whose echo has not come back within this is lost (counted, and replaced by another). */
    private static final int ECHO_TIMEOUT_MS = 5000;
    /** How long the page reads its clock to find its smallest step. */
    private static final int CLOCK_PROBE_MS = 100;

    /** One relay's recorded round trips (ms) at one room size in one round, and the messages lost. */
    private record Batch(double[] times, long lost, long sent, long warmupLost, long late, boolean complete) {}

    static void run(Lab lab) throws Exception {
        int[] roomSizes = lab.quick() ? new int[] {2, 10} : new int[] {2, 5, 10, 20};
        int rounds = lab.count(2, 3);
        int samples = lab.count(100, 500);
        int warmup = lab.count(20, 100);
        Map<String, List<double[]>> series = new HashMap<>(); // relay/participants -> each round's samples
        Map<String, long[]> losses = new HashMap<>(); // relay/participants -> {lost, sent}
        Csv raw = new Csv(RAW_HEADER.split(","));
        double clockUs;
        try (PageHost host = PageHost.start(lab.repoRoot()); Chromium guest = Chromium.start();
             Chromium second = Chromium.start(); JavaRelay relay = JavaRelay.begin()) {
            host.chromium().open(host.url("/experiments/relay.html"));
            String room = host.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                    + "hostRelay().then(done, function (e) { done('error: ' + e.message); });");
            if (room.startsWith("error")) {
                throw new IllegalStateException("the host page could not open its room: " + room);
            }
            for (Chromium browser : List.of(guest, second)) {
                browser.driver().manage().timeouts().scriptTimeout(Duration.ofMinutes(5));
                browser.open(host.url("/experiments/relay.html"));
            }
            clockUs = clockStepUs(guest, "the measuring guest page");
            System.out.printf(Locale.ROOT, "   guest page cross-origin isolated; performance.now() steps by %.3f us%n", clockUs);
            for (int round = 1; round <= rounds; round++) {
                List<String> order = round % 2 == 1 ? List.of(PAGE, NATIVE) : List.of(NATIVE, PAGE);
                for (int participants : roomSizes) {
                    for (String name : order) {
                        String url = name.equals(PAGE) ? room : relay.url();
                        String what = "E5 " + name + " relay, " + participants + " participants";
                        Batch b = measure(guest, second, url, participants - 1, samples, warmup, what + ", round " + round);
                        series.computeIfAbsent(name + "/" + participants, k -> new ArrayList<>()).add(b.times());
                        long[] loss = losses.computeIfAbsent(name + "/" + participants, k -> new long[2]);
                        loss[0] += b.lost();
                        loss[1] += b.sent();
                        raw.row(round, name, participants, b.times().length, median(b.times()), p99(b.times()), b.lost());
                    }
                }
            }
            // the clock again at the end: the resolution reported is the coarser of the two looks
            clockUs = Math.max(clockUs, clockStepUs(guest, "the measuring guest page"));
        }
        Csv csv = new Csv(HEADER.split(","));
        for (int participants : roomSizes) {
            List<Object> row = new ArrayList<>(List.of(participants));
            double[] medians = new double[2];
            long samplesPerRelay = -1;
            for (String name : List.of(PAGE, NATIVE)) {
                String key = name + "/" + participants;
                long[] loss = losses.get(key);
                Lab.checkLoss("E5 " + name + " relay, " + participants + " participants", loss[0], loss[1]);
                List<double[]> perRound = series.get(key);
                Bootstrap.Interval m = Bootstrap.medianInterval(perRound.stream().mapToDouble(BrowserToBrowserExperiment::median).toArray());
                double[] pooled = perRound.stream().flatMapToDouble(Arrays::stream).toArray();
                row.addAll(List.of(m.median(), m.low(), m.high(), p99(pooled)));
                medians[name.equals(PAGE) ? 0 : 1] = m.median();
                if (samplesPerRelay >= 0 && samplesPerRelay != pooled.length) {
                    throw new IllegalStateException("unequal samples with " + participants + " participants: " + name
                            + " has " + pooled.length + ", page " + samplesPerRelay);
                }
                samplesPerRelay = pooled.length;
            }
            row.addAll(List.of(Percentiles.ratio(medians[0], medians[1]), samplesPerRelay, clockUs));
            csv.row(row.toArray());
            System.out.printf(Locale.ROOT, "   %d participants: page %.3f ms, native %.3f ms (medians over %d rounds),"
                            + " page/native %.2f; %d samples per relay; lost page %d, native %d%n",
                    participants, medians[0], medians[1], rounds, Percentiles.ratio(medians[0], medians[1]), samplesPerRelay,
                    losses.get(PAGE + "/" + participants)[0], losses.get(NATIVE + "/" + participants)[0]);
        }
        csv.write(lab.csv(NAME));
        raw.write(lab.csv(NAME + "_raw"));
    }

    /**
     * The smallest step of the page's {@code performance.now()}, in us; fails if the page is not
     * cross-origin isolated (then Chromium coarsens the clock to 100 us).
     */
    private static double clockStepUs(Chromium page, String which) {
        Map<String, Object> clock = page.script("return clockInfo(arguments[0]);", CLOCK_PROBE_MS);
        if (!Boolean.TRUE.equals(clock.get("isolated"))) {
            throw new IllegalStateException(which + " is not cross-origin isolated (self.crossOriginIsolated is not true):"
                    + " its performance.now() is coarsened to 100 us, so E5's round trips would be quantized;"
                    + " the demo site must serve /experiments/ with Cross-Origin-Opener-Policy and -Embedder-Policy");
        }
        Object step = clock.get("stepMs");
        double stepMs = step instanceof Number n ? n.doubleValue() : Double.NaN;
        if (!(stepMs > 0) || !Double.isFinite(stepMs)) {
            throw new IllegalStateException(which + "'s performance.now() did not advance in " + CLOCK_PROBE_MS + " ms");
        }
        return stepMs * 1000;
    }

    /**
     * One relay at one room size: the second guest opens its share of the {@code connections},
     * the measuring guest opens the rest, warms up and records {@code samples} round trips.
     */
    private static Batch measure(Chromium guest, Chromium second, String url, int connections, int samples, int warmup,
                                 String what) {
        int passive = connections / 2; // the measuring guest holds the larger half (and all of a lone connection)
        if (passive > 0) {
            String joined = second.asyncScript("var done = arguments[arguments.length - 1];"
                    + "joinRoom(arguments[0], arguments[1]).then(function () { done('ok'); },"
                    + " function (e) { done('error: ' + e.message); });", url, passive);
            if (!joined.equals("ok")) {
                throw new IllegalStateException(what + ": the second guest could not join: " + joined);
            }
        }
        try {
            int maxLost = Math.max(5, samples / 20);
            Object result = guest.asyncScript("var done = arguments[arguments.length - 1];"
                    + "measureRoom(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5])"
                    + ".then(done, function (e) { done('error: ' + e.message); });",
                    url, connections - passive, samples, warmup, ECHO_TIMEOUT_MS, maxLost);
            if (result instanceof String error) {
                throw new IllegalStateException(what + ": the guest page could not measure " + url + ": " + error);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) result;
            List<?> times = (List<?>) r.get("times");
            Batch batch = new Batch(times.stream().mapToDouble(t -> ((Number) t).doubleValue()).toArray(),
                    ((Number) r.get("lost")).longValue(), ((Number) r.get("sent")).longValue(),
                    ((Number) r.get("warmupLost")).longValue(), ((Number) r.get("late")).longValue(),
                    Boolean.TRUE.equals(r.get("complete")));
            if (!batch.complete()) {
                Lab.checkLoss(what, batch.lost(), batch.sent());
                throw new IllegalStateException(what + ": stopped after losing " + batch.lost() + " messages");
            }
            if (batch.lost() > 0 || batch.warmupLost() > 0) {
                System.out.printf("   %s: %d lost (no echo within %d ms), %d more in the warm-up; %d echoes came late%n",
                        what, batch.lost(), ECHO_TIMEOUT_MS, batch.warmupLost(), batch.late());
            }
            return batch;
        } finally {
            if (passive > 0) {
                try {
                    second.asyncScript("var done = arguments[arguments.length - 1];"
                            + "leaveRoom().then(done, function () { done(false); });");
                } catch (RuntimeException e) {
                    System.out.println("   " + what + ": the second guest could not leave the room: " + e.getMessage());
                }
            }
        }
    }

    /** The median of round trips (ms). */
    static double median(double[] times) {
        return Bootstrap.median(times.clone());
    }

    /** The 99th percentile (nearest rank) of round trips (ms). */
    static double p99(double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
    }
}
