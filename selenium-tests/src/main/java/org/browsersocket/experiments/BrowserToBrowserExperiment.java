package org.browsersocket.experiments;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.browsersocket.browser.Chromium;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * E5: browser to browser. One Chromium hosts a relay room in its page (every message goes to
 * every participant, as in the chat demo); a second Chromium's page joins it with plain
 * WebSockets and measures the round trip of its own messages, with 2 and with 10 participants
 * (the host and 1 or 9 connections). The same guest page then does the same through a native
 * Java-WebSocket relay.
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

    static void run(Lab lab) throws Exception {
        int samples = lab.count(50, 500);
        Csv csv = new Csv("participants", "page_median_ms", "page_p99_ms", "native_median_ms", "native_p99_ms", "ratio_median");
        try (PageHost host = PageHost.start(lab.repoRoot()); Chromium guest = Chromium.start();
             JavaRelay relay = JavaRelay.begin()) {
            host.chromium().open(host.url("/experiments/relay.html"));
            String room = host.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                    + "hostRelay().then(done, function (e) { done('error: ' + e.message); });");
            if (room.startsWith("error")) {
                throw new IllegalStateException("the host page could not open its room: " + room);
            }
            guest.open(host.url("/experiments/relay.html"));
            for (int participants : new int[] {2, 10}) {
                Histogram page = new Histogram(3);
                Histogram nativeRelay = new Histogram(3);
                for (int round = 0; round < lab.count(1, 3); round++) { // alternating
                    page.add(measure(guest, room, participants - 1, samples));
                    nativeRelay.add(measure(guest, relay.url(), participants - 1, samples));
                }
                csv.row(participants, Percentiles.median(page) / 1000, Percentiles.p99(page) / 1000,
                        Percentiles.median(nativeRelay) / 1000, Percentiles.p99(nativeRelay) / 1000,
                        Percentiles.ratio(Percentiles.median(page), Percentiles.median(nativeRelay)));
            }
        }
        csv.write(lab.csv(NAME));
    }

    private static Histogram measure(Chromium guest, String url, int connections, int samples) {
        List<Number> times = guest.asyncScript("var done = arguments[arguments.length - 1];"
                + "measureRoom(arguments[0], arguments[1], arguments[2]).then(done, function (e) { done([]); });",
                url, connections, samples);
        if (times.isEmpty()) {
            throw new IllegalStateException("the guest page could not measure " + url);
        }
        return Percentiles.ofMillis(times);
    }
}
