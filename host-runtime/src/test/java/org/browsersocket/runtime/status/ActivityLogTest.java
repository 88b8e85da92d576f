package org.browsersocket.runtime.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.browsersocket.runtime.activity.ActivityEvent;
import org.browsersocket.runtime.activity.ActivityLog;
import org.browsersocket.runtime.activity.ClosedConnection;
import org.browsersocket.runtime.activity.Traffic;
import org.junit.jupiter.api.Test;

/** The activity log is bounded and ordered; the traffic counters add up. */
class ActivityLogTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    @Test
    void keepsOnlyTheLatestEventsInTheOrderTheyHappened() {
        ActivityLog log = new ActivityLog(3, 2, clock::get);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(10);
            log.record("handshake", "page#1", 0, i, "127.0.0.1:1", null, null);
        }
        List<ActivityEvent> events = log.events();
        assertEquals(List.of(2, 3, 4), events.stream().map(ActivityEvent::connection).toList());
        assertEquals(List.of(3L, 4L, 5L), events.stream().map(ActivityEvent::seq).toList());
        assertEquals(List.of(1_030L, 1_040L, 1_050L), events.stream().map(ActivityEvent::at).toList());
        assertEquals(5, log.lastSeq());
    }

    @Test
    void eventsAfterASequenceNumberAreOnlyTheNewerOnes() {
        ActivityLog log = new ActivityLog(10, 2, clock::get);
        log.record("page-connected", "page#1", null, null, null, null, "http://a.example");
        long seen = log.lastSeq();
        log.record("listener-opened", "page#1", 0, null, null, null, null);
        log.record("handshake", "page#1", 0, 0, "127.0.0.1:2", null, null);
        assertEquals(List.of("listener-opened", "handshake"), log.eventsAfter(seen).stream().map(ActivityEvent::kind).toList());
        assertEquals(List.of(), log.eventsAfter(log.lastSeq()));
    }

    @Test
    void keepsOnlyTheMostRecentlyClosedConnections() {
        ActivityLog log = new ActivityLog(10, 2, clock::get);
        for (int id = 0; id < 3; id++) {
            log.closed(new ClosedConnection("page#1", "http://a.example", 0, id, "127.0.0.1:3", 1, 2, 1000, null,
                    "peer", 1, 1, 5, 5));
        }
        assertEquals(List.of(1, 2), log.closedConnections().stream().map(ClosedConnection::connection).toList());
    }

    @Test
    void trafficCountsMessagesAndBytesEachWay() {
        Traffic traffic = new ActivityLog().traffic();
        traffic.in(5);
        traffic.in(7);
        traffic.out(100);
        assertEquals(2, traffic.messagesIn());
        assertEquals(12, traffic.bytesIn());
        assertEquals(1, traffic.messagesOut());
        assertEquals(100, traffic.bytesOut());
    }
}
