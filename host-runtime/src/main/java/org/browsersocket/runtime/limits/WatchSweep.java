package org.browsersocket.runtime.limits;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Times the {@link PeerWatch}es of one event loop with one periodic task, instead of a task per
 * connection: an idle peer then costs a slot in a list rather than a scheduled task of its own, and
 * tens of thousands of peers do not churn the loop's task queue. Used on its event loop only.
 */
final class WatchSweep {
    private final EventExecutor loop;
    private final long periodMillis;
    /** Each watch knows its index here, so that leaving is a swap with the last: O(1). */
    private final ArrayList<PeerWatch> watches = new ArrayList<>();
    private ScheduledFuture<?> task;

    WatchSweep(EventExecutor loop, long periodMillis) {
        this.loop = loop;
        this.periodMillis = periodMillis;
    }

    void add(PeerWatch watch) {
        watch.sweepIndex = watches.size();
        watches.add(watch);
        if (task == null) {
            task = loop.scheduleAtFixedRate(this::sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    void remove(PeerWatch watch) {
        int index = watch.sweepIndex;
        if (index < 0 || index >= watches.size() || watches.get(index) != watch) {
            return;
        }
        PeerWatch last = watches.remove(watches.size() - 1);
        if (last != watch) {
            watches.set(index, last);
            last.sweepIndex = index;
        }
        watch.sweepIndex = -1;
        if (watches.isEmpty()) {
            task.cancel(false); // an idle runtime's loop has nothing to wake for
            task = null;
        }
    }

    int size() {
        return watches.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        // From the end: a watch that leaves while it is ticked (its peer is closed at once) swaps in
        // one that was already ticked. One that leaves for another reason is simply not ticked.
        for (int i = watches.size() - 1; i >= 0; i--) {
            if (i < watches.size()) {
                watches.get(i).tick(now);
            }
        }
    }
}
