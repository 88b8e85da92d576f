package org.browsersocket.load;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What the connections of one event loop recorded. Touched only by that loop's thread, so it
 * needs no locking; {@link Connector#collect} reads it from a task on the same loop.
 */
final class LoopStats {
    final Histogram latencyMicros = LoadGenerator.newHistogram();
    final Histogram connectMicros = LoadGenerator.newHistogram();
    final List<EchoPeer> peers = new ArrayList<>();
    /** Echoes of recorded (post-warm-up) messages that matched their send. */
    long messages;
    /** Echoes that did not match the oldest message in flight (wrong stamp, length or frame type). */
    long mismatched;
    /** Closed loop: messages whose echo was still missing after {@link EchoPeer#STALL_NANOS} and whose connection was pinged. */
    long stalled;
    /** Messages whose connection closed before their echo arrived. */
    long unanswered;
    /** Set once the run's results were taken; later echoes are ignored. */
    boolean collected;
}
