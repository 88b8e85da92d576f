package org.browsersocket.runtime.consent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Pages waiting for the user to allow their origin, grouped by origin: what the status page shows
 * as "wants to accept connections: Allow / Deny / Allow once". A decision releases every page of
 * that origin; a page nobody answers for is refused after a timeout. Bounded against a page that
 * floods it: a few waiting pages per origin, a few dozen origins.
 */
public final class ConsentDesk {
    /** A page waiting for a decision. Its callbacks may come from any thread. */
    public interface Waiter {
        String origin();

        void allowed();

        void refused(String reason);
    }

    /** One origin's request as the status page lists it. */
    public record Request(String origin, int pages, long waitingMillis) {}

    static final int MAX_PAGES_PER_ORIGIN = 8;
    static final int MAX_ORIGINS = 32;
    private static final Logger LOG = Logger.getLogger("browsersocket.consent");

    private final ConsentBook book;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private volatile String consentUrl;
    private final Map<String, List<Waiter>> waiting = new LinkedHashMap<>();
    private final Map<String, Long> since = new LinkedHashMap<>();

    public ConsentDesk(ConsentBook book, ScheduledExecutorService timer, Duration timeout, String consentUrl) {
        this.book = book;
        this.timer = timer;
        this.timeout = timeout;
        this.consentUrl = consentUrl;
    }

    public ConsentBook book() {
        return book;
    }

    /** Sets where the user answers, once the control port is known. */
    public void pointAt(String statusPageUrl) {
        this.consentUrl = statusPageUrl;
    }

    /** Where the user answers (the status page). */
    public String consentUrl() {
        return consentUrl;
    }

    /** Queues a page; null when it waits now, otherwise the reason it was refused at once. */
    public String ask(Waiter waiter) {
        String origin = ConsentBook.normalize(waiter.origin());
        synchronized (this) {
            List<Waiter> pages = waiting.get(origin);
            if (pages == null && waiting.size() >= MAX_ORIGINS) {
                return "too many sites are waiting for the user's answer on this runtime (" + MAX_ORIGINS
                        + "); try again later";
            }
            if (pages != null && pages.size() >= MAX_PAGES_PER_ORIGIN) {
                return "too many pages of " + origin + " are already waiting for the user's answer ("
                        + MAX_PAGES_PER_ORIGIN + ")";
            }
            if (pages == null) {
                pages = new ArrayList<>();
                waiting.put(origin, pages);
                since.put(origin, System.currentTimeMillis());
                LOG.info(origin + " wants to accept connections: allow or deny it at " + consentUrl);
            }
            pages.add(waiter);
        }
        timer.schedule(() -> expire(waiter), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return null;
    }

    /** A waiting page went away. */
    public void withdraw(Waiter waiter) {
        String origin = ConsentBook.normalize(waiter.origin());
        synchronized (this) {
            List<Waiter> pages = waiting.get(origin);
            if (pages != null && pages.remove(waiter) && pages.isEmpty()) {
                waiting.remove(origin);
                since.remove(origin);
            }
        }
    }

    /** The user's answer for an origin: records it (unless ONCE) and releases its waiting pages. */
    public int decide(String origin, Decision decision) throws IOException {
        String o = ConsentBook.normalize(origin);
        book.record(o, decision);
        List<Waiter> released;
        synchronized (this) {
            released = waiting.remove(o);
            since.remove(o);
        }
        LOG.info("the user " + switch (decision) {
            case ALLOW -> "allowed ";
            case ONCE -> "allowed once ";
            case DENY -> "denied ";
        } + o);
        if (released == null) {
            return 0;
        }
        for (Waiter waiter : released) {
            if (decision == Decision.DENY) {
                waiter.refused(deniedReason(o));
            } else {
                waiter.allowed();
            }
        }
        return released.size();
    }

    public synchronized List<Request> pending() {
        long now = System.currentTimeMillis();
        List<Request> requests = new ArrayList<>();
        waiting.forEach((origin, pages) -> requests.add(new Request(origin, pages.size(), now - since.get(origin))));
        return requests;
    }

    /** Why a page of a denied origin may not listen. */
    public String deniedReason(String origin) {
        return "the user denied " + ConsentBook.normalize(origin) + " on this device's BrowserSocket runtime"
                + " (revoke that decision at " + consentUrl + " to be asked again)";
    }

    private void expire(Waiter waiter) {
        String origin = ConsentBook.normalize(waiter.origin());
        boolean expired;
        synchronized (this) {
            List<Waiter> pages = waiting.get(origin);
            expired = pages != null && pages.remove(waiter);
            if (expired && pages.isEmpty()) {
                waiting.remove(origin);
                since.remove(origin);
            }
        }
        if (expired) {
            waiter.refused("nobody allowed " + origin + " to accept connections within " + timeout.toSeconds()
                    + " s: the user answers at " + consentUrl);
        }
    }
}
