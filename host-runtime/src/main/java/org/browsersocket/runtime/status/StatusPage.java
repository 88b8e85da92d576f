package org.browsersocket.runtime.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.browsersocket.runtime.activity.ActivityEvent;
import org.browsersocket.runtime.activity.ActivityLog;
import org.browsersocket.runtime.activity.ClosedConnection;
import org.browsersocket.runtime.page.Listener;
import org.browsersocket.runtime.page.PageSession;
import org.browsersocket.runtime.page.PeerConnection;

/**
 * The runtime's status page: its pages and listeners, their connections with message and byte
 * counts and rates, the event log, recently closed connections, traffic, limits, reachability and
 * the runtime's facts, as one JSON snapshot ({@code /status.json}), pushed live
 * ({@code /status/events}), and shown by one self-contained HTML page ({@code /}).
 */
public final class StatusPage {
    /** One listener as the status page shows it; the prefix is shortened, since it is a capability. */
    public record ListenerStatus(String page, String pageUrl, String pageTitle, String origin, boolean viaExtension,
                                 int index, String prefix, int connections, long bytesIn, long bytesOut,
                                 List<ConnectionStatus> peers) {}

    /** One open peer connection: counts since it opened, rates over the last second or so. */
    public record ConnectionStatus(int id, String remoteAddress, String since, long openedAt, long messagesIn,
                                   long messagesOut, long bytesIn, long bytesOut, double messagesInPerSecond,
                                   double messagesOutPerSecond, double bytesInPerSecond, double bytesOutPerSecond) {}

    /** One page with a control channel: who it says it is (untrusted text) and its origin. */
    public record PageStatus(String name, String origin, String url, String title, boolean viaExtension,
                             long connectedAt, int listeners) {}

    /** The public port's limits as they stand: memory held for peers against the budget, connections. */
    public record LimitsStatus(long memoryBudgetBytes, long memoryUsedBytes, int publicConnections,
                               long shedConnections) {}

    /** Everything relayed since the start, the latest rates, and the rates of the last two minutes. */
    public record TrafficStatus(long messagesIn, long messagesOut, long bytesIn, long bytesOut,
                                TrafficSampler.Point now, List<TrafficSampler.Point> history) {}

    /** How often the feed looks for news; events reach subscribers at most this often. */
    static final long TICK_MILLIS = 250;
    /** How often counters are sampled into rates (and pushed even when nothing else happened). */
    static final long SAMPLE_MILLIS = 1000;
    /** Connections listed per listener; the count is always whole. */
    static final int MAX_PEERS_LISTED = 1000;
    private static final String TEMPLATE = template();

    private final ObjectMapper json = new ObjectMapper();
    private final Supplier<LimitsStatus> limits;
    private final Supplier<ReachabilityStatus> reachability;
    private final Supplier<RuntimeFacts> facts;
    private final ActivityLog activity;
    private final TrafficSampler sampler;
    private final StatusFeed feed = new StatusFeed();
    // Touched only by the feed's tick, on one thread.
    private long lastSample;
    private long lastPublishedSeq;

    /** A status page reporting the limits and the reachability these describe, without activity. */
    public StatusPage(Supplier<LimitsStatus> limits, Supplier<ReachabilityStatus> reachability) {
        this(limits, reachability, () -> null, new ActivityLog());
    }

    /** A status page of a runtime with these facts, whose pages record their activity in {@code activity}. */
    public StatusPage(Supplier<LimitsStatus> limits, Supplier<ReachabilityStatus> reachability,
                      Supplier<RuntimeFacts> facts, ActivityLog activity) {
        this.limits = limits;
        this.reachability = reachability;
        this.facts = facts;
        this.activity = activity;
        this.sampler = new TrafficSampler(activity.traffic());
    }

    /** Samples rates and pushes news to subscribers from now on, on {@code loop} (one thread). */
    public void start(ScheduledExecutorService loop, Collection<PageSession> sessions) {
        loop.scheduleAtFixedRate(() -> tick(sessions), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick(Collection<PageSession> sessions) {
        long now = activity.now();
        boolean sampled = now - lastSample >= SAMPLE_MILLIS;
        if (sampled) {
            sampler.sample(now, sessions);
            lastSample = now;
        }
        long seq = activity.lastSeq();
        if (feed.isEmpty()) {
            lastPublishedSeq = seq;
        } else if (sampled || seq != lastPublishedSeq) {
            // Many events within one tick become one update: at most 1000/TICK_MILLIS a second.
            feed.publish(write(snapshot(sessions, lastPublishedSeq)));
            lastPublishedSeq = seq;
        }
    }

    /**
     * Starts a live stream of snapshots on {@code channel}, the first one whole; false when the
     * feed already has its maximum of subscribers.
     */
    public boolean subscribe(Channel channel, Collection<PageSession> sessions) {
        return feed.subscribe(channel, json(sessions));
    }

    public List<ListenerStatus> snapshot(Collection<PageSession> sessions) {
        return sessions.stream().flatMap(session -> session.listeners().stream().map(l -> status(session, l))).toList();
    }

    /** The whole status, every kept event included. */
    public String json(Collection<PageSession> sessions) {
        return write(snapshot(sessions, 0));
    }

    /** The status with the events numbered after {@code eventsAfter}. */
    private Map<String, Object> snapshot(Collection<PageSession> sessions, long eventsAfter) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("now", activity.now());
        RuntimeFacts runtime = facts.get();
        if (runtime != null) {
            all.put("runtime", runtime);
        }
        all.put("limits", limits.get());
        all.put("reachability", reachability.get());
        var traffic = activity.traffic();
        all.put("traffic", new TrafficStatus(traffic.messagesIn(), traffic.messagesOut(), traffic.bytesIn(),
                traffic.bytesOut(), sampler.latest(), sampler.history()));
        all.put("pages", sessions.stream().map(StatusPage::page)
                .sorted((a, b) -> Long.compare(a.connectedAt(), b.connectedAt())).toList());
        all.put("listeners", snapshot(sessions));
        List<ClosedConnection> closed = activity.closedConnections();
        all.put("closed", closed);
        List<ActivityEvent> events = eventsAfter == 0 ? activity.events() : activity.eventsAfter(eventsAfter);
        all.put("eventsComplete", eventsAfter == 0);
        all.put("events", events);
        return all;
    }

    /** The page, carrying {@code actionToken} for its consent actions and the status as it is now. */
    public String html(Collection<PageSession> sessions, String actionToken) {
        List<ListenerStatus> listeners = snapshot(sessions);
        int connections = listeners.stream().mapToInt(ListenerStatus::connections).sum();
        // The snapshot sits in a JSON script element: no '<' may end it early.
        String state = json(sessions).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        return TEMPLATE.replace("{{ACTION_TOKEN}}", escape(actionToken))
                .replace("{{SUMMARY}}", listeners.size() + " live listener(s), " + connections + " open connection(s)")
                .replace("{{STATE}}", state);
    }

    private static PageStatus page(PageSession session) {
        return new PageStatus(session.name(), String.valueOf(session.origin()), session.url(), session.title(),
                session.viaExtension(), session.connectedAt(), session.listeners().size());
    }

    private ListenerStatus status(PageSession session, Listener listener) {
        List<PeerConnection> open = session.connections(listener);
        List<ConnectionStatus> peers = open.stream().limit(MAX_PEERS_LISTED).map(this::connection).toList();
        return new ListenerStatus(session.name(), session.url(), session.title(), String.valueOf(session.origin()),
                session.viaExtension(), listener.index(), PageSession.shortPrefix(listener.prefix()), open.size(),
                listener.bytesIn(), listener.bytesOut(), peers);
    }

    private ConnectionStatus connection(PeerConnection c) {
        TrafficSampler.Rates r = sampler.rates(c);
        return new ConnectionStatus(c.id(), c.remoteAddress(), c.since().toString(), c.since().toEpochMilli(),
                c.messagesIn(), c.messagesOut(), c.bytesIn(), c.bytesOut(), r.messagesIn(), r.messagesOut(),
                r.bytesIn(), r.bytesOut());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String template() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the runtime's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
