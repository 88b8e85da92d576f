package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;

/**
 * A page's HTTP side: the requests its listeners are answering ({@link HttpExchange}) and the
 * responses it is handing to its agents ({@code bs.publish}), keyed by the ids their data frames
 * carry. Exchanges use the page's connection ids; publications use ids the page chose.
 */
final class PageExchanges {
    /** Largest body a page may publish at once. */
    static final int MAX_PUBLISH_BYTES = 16 << 20;
    /** Publications a page may have in flight. */
    static final int MAX_PUBLICATIONS = 16;

    private final PageSession session;
    private final Agents agents;
    private final int maxPerListener;
    private final Map<Integer, HttpExchange> exchanges = new ConcurrentHashMap<>();
    private final Map<Long, Publication> publications = new ConcurrentHashMap<>();

    /** A publish whose body is still arriving. */
    private record Publication(ControlMessage.Publish head, Listener listener, ByteArrayOutputStream body) {}

    PageExchanges(PageSession session, Agents agents, int maxPerListener) {
        this.session = session;
        this.agents = agents;
        this.maxPerListener = maxPerListener;
    }

    /** Registers an exchange under {@code id}; false when its listener has too many in progress. */
    boolean admit(Listener listener, HttpExchange exchange, int id) {
        if (listener.exchanges.incrementAndGet() > maxPerListener) {
            listener.exchanges.decrementAndGet();
            return false;
        }
        exchanges.put(id, exchange);
        return true;
    }

    void ended(HttpExchange exchange) {
        if (exchanges.remove(exchange.id(), exchange)) {
            exchange.listener().exchanges.decrementAndGet();
        }
    }

    HttpExchange get(int id) {
        return exchanges.get(id);
    }

    /** The listener (or, with null, the whole page) is gone: its requests in progress end. */
    void listenerGone(Listener listener) {
        exchanges.values().stream().filter(e -> listener == null || e.listener() == listener)
                .forEach(HttpExchange::pageGone);
        publications.values().removeIf(p -> listener == null || p.listener() == listener);
    }

    /** A data frame of kind BODY or END from the page, for an exchange or a publication. */
    void bodyFromPage(byte kind, long id, ByteBuf payload) {
        if (id >= ControlMessage.PAGE_IDS) {
            publicationBody(kind, id, payload);
            return;
        }
        HttpExchange exchange = exchanges.get((int) id);
        if (exchange != null) {
            exchange.bodyFromPage(kind, payload.retain());
        }
    }

    // ---------------------------------------------------------------- publish and purge

    void publish(ControlMessage.Publish publish, Listener listener) {
        if (listener == null) {
            session.send(new ControlMessage.Published(publish.id(), publish.listener(), 0, "listener "
                    + publish.listener() + " is not open"));
            return;
        }
        if (publications.size() >= MAX_PUBLICATIONS || publications.containsKey(publish.id())) {
            session.send(new ControlMessage.Published(publish.id(), publish.listener(), 0,
                    "too many publications in progress (at most " + MAX_PUBLICATIONS + ")"));
            return;
        }
        if (publish.length() != null && publish.length() > MAX_PUBLISH_BYTES) {
            session.send(new ControlMessage.Published(publish.id(), publish.listener(), 0,
                    "a published body may have at most " + MAX_PUBLISH_BYTES + " bytes"));
            return;
        }
        publications.put(publish.id(), new Publication(publish, listener, new ByteArrayOutputStream()));
    }

    private void publicationBody(byte kind, long id, ByteBuf payload) {
        Publication publication = publications.get(id);
        if (publication == null) {
            return;
        }
        ControlMessage.Publish head = publication.head();
        if (kind == DataFrame.KIND_BODY) {
            if (publication.body().size() + payload.readableBytes() > MAX_PUBLISH_BYTES) {
                publications.remove(id);
                session.send(new ControlMessage.Published(id, head.listener(), 0,
                        "a published body may have at most " + MAX_PUBLISH_BYTES + " bytes"));
                return;
            }
            byte[] piece = io.netty.buffer.ByteBufUtil.getBytes(payload);
            publication.body().write(piece, 0, piece.length);
            return;
        }
        publications.remove(id);
        agents.publish(publication.listener().prefix(), head.path(), head.status(), head.headers(),
                        publication.body().toByteArray())
                .whenComplete((count, e) -> session.send(new ControlMessage.Published(id, head.listener(),
                        e == null ? count : 0, e != null ? "the relays did not take it: " + e.getMessage()
                        : count == 0 ? "no relay routes this listener" : "")));
    }

    void purge(ControlMessage.Purge purge, Listener listener) {
        if (listener == null) {
            session.send(new ControlMessage.Published(null, purge.listener(), 0, "listener " + purge.listener()
                    + " is not open"));
            return;
        }
        agents.purge(listener.prefix(), purge.path())
                .whenComplete((count, e) -> session.send(new ControlMessage.Published(null, purge.listener(),
                        e == null ? count : 0, e != null ? "the relays did not take it: " + e.getMessage()
                        : count == 0 ? "no relay routes this listener" : "")));
    }
}
