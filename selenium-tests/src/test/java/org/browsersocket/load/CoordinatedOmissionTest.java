package org.browsersocket.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.browsersocket.load.LoadGenerator.Config;
import org.browsersocket.load.LoadGenerator.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The open loop's correction for coordinated omission, against a server that stops reading for a
 * while.
 *
 * <p>The server stalls once, for {@code S} = {@value #STALL_MILLIS} ms, while the generator offers
 * {@code R} = {@value #RATE} msg/s over one connection. The stall begins at some {@code T0} and
 * ends at {@code T0 + S} or later. A message meant to be sent at a time {@code t} in {@code [T0,
 * T0 + S)} reaches the server after {@code T0}, so it cannot be echoed before {@code T0 + S}: its
 * latency, measured from its intended send time, is at least {@code T0 + S - t}. Hence, for every
 * {@code L} up to {@code S}, at least {@code R × (S - L)} messages (those meant for {@code [T0, T0
 * + S - L)}) have a latency of {@code L} or more: a triangle under the latency tail. With
 * {@code L = S/2} that is 500 of the 2,000 recorded messages, so the p99 is at least {@code S/2}
 * too. These are lower bounds, whatever the machine's load; the test allows 10% for the
 * histogram's rounding and the odd message at the edges.
 *
 * <p>The distinction is real only because the stall reaches the generator: the server stops
 * reading and its receive buffer is small, so once the client's socket send buffer (at most 4 MiB
 * with Linux's default {@code tcp_wmem}) is full, the client's socket accepts nothing more. The
 * 16 MB the generator means to send during the stall overflow it. A generator that let this
 * back-pressure hold back its sender and measured from the actual send (the coordinated omission
 * corrected here) shows the stall only in the ~250 messages that fit into the buffers; the others
 * it sends late, in a burst after the stall, and measures from that late send. The generator as
 * written never holds back its sender (Netty queues what the socket does not take), so it sends
 * on time and its stamps are the intended times whichever way they are taken.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoordinatedOmissionTest {
    static final int RATE = 1000;
    static final long STALL_MILLIS = 1000;
    /** Big enough that the stall's {@code R × S} messages (about 16 MB) overflow the socket buffers several times. */
    static final int MESSAGE_BYTES = 16 << 10;
    /** The server's socket receive buffer: small, so a stalled reader pushes back at once. */
    static final int SERVER_RECEIVE_BUFFER = 16 << 10;

    @Test
    void aServerStallShowsInTheLatencyOfEveryMessageMeantToBeSentDuringIt() throws Exception {
        Duration warmup = Duration.ofMillis(200);
        Duration duration = Duration.ofMillis(2000);
        // Message 500 arrives about 0.5 s into the run: the whole stall (to about 1.5 s) lies in
        // the recorded window (0.2 s to 2.2 s).
        try (TestEchoServer server = new TestEchoServer().stallOnceAfter(500, STALL_MILLIS)
                .receiveBuffer(SERVER_RECEIVE_BUFFER).start()) {
            Result result = LoadGenerator.run(new Config(server.uri(), 1, MESSAGE_BYTES, true, RATE, warmup, duration));
            Histogram latency = result.latencyMicros();
            String observed = String.format(Locale.ROOT, "%d messages, stall %.0f ms, latency %s",
                    result.messages(), server.stallNanos() / 1e6, LoadGenerator.percentiles(latency));

            assertTrue(server.stallNanos() >= TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS), "the server stalled: " + observed);
            assertEquals(0, result.unanswered(), "unanswered: " + observed);
            assertEquals(0, result.mismatched(), "mismatched: " + observed);
            assertEquals(0, result.connectionsLost(), "connections lost: " + observed);
            assertTrue(result.messages() >= RATE * duration.toMillis() / 1000 * 95 / 100,
                    "the offered rate was sent and echoed: " + observed);

            StringBuilder missing = new StringBuilder();
            for (int tenths = 1; tenths <= 9; tenths += 2) {
                long atLeastMicros = TimeUnit.MILLISECONDS.toMicros(STALL_MILLIS) * tenths / 10;
                long meantForTheStall = RATE * STALL_MILLIS * (10 - tenths) / 10 / 1000; // R × (S - L)
                long waited = latency.getTotalCount() - latency.getCountBetweenValues(0, atLeastMicros - 1);
                if (waited < meantForTheStall * 9 / 10) {
                    missing.append(String.format(Locale.ROOT, "%n  %d messages with latency >= %d ms, expected about %d or more",
                            waited, atLeastMicros / 1000, meantForTheStall));
                }
            }
            assertTrue(missing.isEmpty(), "the stall should show in every message meant to be sent during it:"
                    + missing + "\n  " + observed);
            long halfStallMicros = TimeUnit.MILLISECONDS.toMicros(STALL_MILLIS) / 2;
            assertTrue(latency.getValueAtPercentile(99) >= halfStallMicros,
                    "p99 " + latency.getValueAtPercentile(99) + " µs should be at least half the stall: " + observed);
        }
    }
}
