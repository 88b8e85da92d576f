package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.activity.ActivityLog;
import org.browsersocket.runtime.activity.ClosedConnection;
import org.browsersocket.runtime.consent.ConsentDesk;
import org.browsersocket.runtime.limits.MemoryBudget;
import org.browsersocket.runtime.routing.Grant;
import org.browsersocket.runtime.routing.NamedPrefixes;
import org.browsersocket.runtime.routing.Router;

/**
 * Everything one page holds through its control channel: its grant, its listeners, and the peer
 * connections they accepted. Control messages arrive on the control channel's event loop; peer
 * events arrive on the peers' loops, so shared state is concurrent and channel writes (which
 * Netty makes thread-safe) are the only cross-thread calls.
 */
public final class PageSession {
    /** What every page session of one runtime shares. */
    public record Context(Router<Listener> router, RuntimeConfig config, ControlCodec codec, int publicPort,
                          ConsentDesk consent, MemoryBudget budget,
                          java.util.function.Supplier<ControlMessage.Reachability> reachability, ActivityLog activity,
                          Agents agents, NamedPrefixes named) {
        /** A context with no relays keeping copies of what pages serve, and names kept in memory. */
        public Context(Router<Listener> router, RuntimeConfig config, ControlCodec codec, int publicPort,
                       ConsentDesk consent, MemoryBudget budget,
                       java.util.function.Supplier<ControlMessage.Reachability> reachability, ActivityLog activity) {
            this(router, config, codec, publicPort, consent, budget, reachability, activity, Agents.NONE,
                    NamedPrefixes.load(null, new org.browsersocket.runtime.routing.PrefixMinter()));
        }

        /** A context whose activity nobody watches. */
        public Context(Router<Listener> router, RuntimeConfig config, ControlCodec codec, int publicPort,
                       ConsentDesk consent, MemoryBudget budget,
                       java.util.function.Supplier<ControlMessage.Reachability> reachability) {
            this(router, config, codec, publicPort, consent, budget, reachability, new ActivityLog());
        }
    }

    private static final Logger LOG = Logger.getLogger("browsersocket.page");
    /** How long a peer the runtime closes is still read (and its input dropped) before the socket closes. */
    private static final long CLOSE_LINGER_MILLIS = 1000;
    private static final AtomicInteger SESSION_NUMBERS = new AtomicInteger();
    /** Request headers that carry a peer's credentials for this host, withheld unless the page asks. */
    private static final List<String> CREDENTIAL_HEADERS = List.of("cookie", "authorization", "proxy-authorization");

    private final int number = SESSION_NUMBERS.incrementAndGet();
    private final Channel control;
    private final String origin;
    private final boolean viaExtension;
    private final ListenGate gate;
    private final Router<Listener> router;
    private final RuntimeConfig config;
    private final ControlCodec codec;
    private final int publicPort;
    private final DataPath dataPath;
    private final Map<Integer, Listener> listeners = new ConcurrentHashMap<>();
    /** Listeners asked for but not yet bound that want their peers' credential headers. */
    private final Map<Integer, Boolean> credentialRequests = new ConcurrentHashMap<>();
    /** Listeners asked for but not yet bound that asked for a name of their own. */
    private final Map<Integer, String> nameRequests = new ConcurrentHashMap<>();
    private final NamedPrefixes named;
    private final Map<Integer, PeerConnection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger nextConnection = new AtomicInteger();
    private final PageControl pageControl;
    private final PageExchanges exchanges;
    private final ActivityLog activity;
    private final long connectedAt = System.currentTimeMillis();
    /** What the page said about itself in its hello: display text only, never trusted. */
    private volatile String url;
    private volatile String title;
    private volatile boolean gone;

    /**
     * A page whose control channel is {@code control}. {@code viaExtension}: the channel comes from
     * the extension's native-messaging host, which vouches for the origin and asked the user itself.
     */
    public PageSession(Channel control, String origin, boolean viaExtension, Context context) {
        this.control = control;
        this.origin = origin;
        this.viaExtension = viaExtension;
        this.router = context.router();
        this.config = context.config();
        this.codec = context.codec();
        this.publicPort = context.publicPort();
        this.gate = new ListenGate(this, context.consent(), control.eventLoop(), viaExtension);
        this.pageControl = new PageControl(this, context);
        this.dataPath = new DataPath(this, control, context.budget(), config.maxMessageBytes());
        this.activity = context.activity();
        this.named = context.named();
        this.exchanges = new PageExchanges(this, context.agents(), config.maxConnectionsPerListener());
    }

    int maxMessageBytes() {
        return config.maxMessageBytes();
    }

    public String origin() {
        return origin;
    }

    /** The event loop of the page's control channel. */
    public io.netty.channel.EventLoop eventLoop() {
        return control.eventLoop();
    }

    public String name() {
        return "page#" + number;
    }

    /** The page's address as it reported it in its hello, or null: untrusted text, for display only. */
    public String url() {
        return url;
    }

    /** The page's title as it reported it in its hello, or null: untrusted text, for display only. */
    public String title() {
        return title;
    }

    /** When the page's control channel opened, epoch milliseconds. */
    public long connectedAt() {
        return connectedAt;
    }

    /**
     * The page said hello and claimed its grant; {@code url} and {@code title} are its own words;
     * {@code readsBatches}: it said it reads batched data frames.
     */
    void introduced(String url, String title, boolean readsBatches) {
        if (readsBatches) {
            dataPath.pageReadsBatches();
        }
        this.url = url;
        this.title = title;
        activity.record("page-connected", name(), null, null, null, null,
                origin + (viaExtension ? " (through the extension)" : "") + (url == null ? "" : " " + url));
    }

    /** Whether the page reached the runtime through the browser extension. */
    public boolean viaExtension() {
        return viaExtension;
    }

    /** Live listeners, in index order. */
    public List<Listener> listeners() {
        List<Listener> live = new ArrayList<>(listeners.values());
        live.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return live;
    }

    /** Open connections (handshakes done) of one listener. */
    public List<PeerConnection> connections(Listener listener) {
        return connections.values().stream().filter(c -> c.listener() == listener && c.isOpen()).toList();
    }

    // ---------------------------------------------------------------- page -> runtime

    /** One text frame from the page: a control message (see {@link PageControl}). */
    public void onControlText(String text) {
        pageControl.onText(text);
    }

    /** One binary frame from the page: a message for one of its connections. */
    public void onDataFrame(ByteBuf content) {
        dataPath.fromPage(content);
    }

    /** The page's control channel closed: navigation, tab closed, crash, or {@code stop} of the runtime. */
    public void pageGone() {
        if (gone) {
            return;
        }
        gone = true;
        dataPath.pageGone();
        control.eventLoop().execute(gate::close);
        exchanges.listenerGone(null);
        for (Listener listener : listeners()) {
            closeListener(listener, 1001, "page went away");
        }
        Grant claimed = pageControl.grant();
        if (claimed != null) {
            router.release(claimed);
            activity.record("page-left", name(), null, null, null, null, origin);
        }
        LOG.info(name() + " (" + origin + ") went away");
    }

    /** The runtime's ways in from other networks changed. Call from any thread. */
    public void reachabilityChanged(ControlMessage.Reachability reachability) {
        send(reachability);
    }

    /** The control channel drained: peers paused for its sake may send again. */
    public void controlWritable() {
        dataPath.controlWritable();
    }

    // ---------------------------------------------------------------- peers -> runtime

    /**
     * Admits a peer whose request names a bound listener and asks the page about its handshake.
     *
     * @throws Refusal when the listener is closed or full
     */
    PeerConnection admit(Listener listener, Channel peer, FullHttpRequest request, String remoteAddress,
                         PeerConnection.HandshakeAnswers answers) throws Refusal {
        if (listener.isClosed() || gone) {
            throw new Refusal(404, null);
        }
        if (listener.connections.incrementAndGet() > config.maxConnectionsPerListener()) {
            listener.connections.decrementAndGet();
            activity.record("rejected", name(), listener.index(), null, remoteAddress, 503, "listener is full");
            throw new Refusal(503, "listener is full (" + config.maxConnectionsPerListener() + " connections)");
        }
        int id = nextConnection.getAndIncrement() & Integer.MAX_VALUE;
        PeerConnection connection = new PeerConnection(id, listener, peer, remoteAddress, answers, activity.traffic());
        connections.put(id, connection);
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
        List<String> protocols = offered.isBlank() ? List.of()
                : Arrays.stream(offered.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(), h.getValue(), (a, b) -> a + ", " + b));
        if (!listener.credentialHeaders()) {
            CREDENTIAL_HEADERS.forEach(headers::remove); // a page sees them only if it asked
        }
        String peerOrigin = request.headers().get(HttpHeaderNames.ORIGIN);
        activity.record("handshake", name(), listener.index(), id, remoteAddress, null,
                peerOrigin == null ? "no Origin" : "Origin " + peerOrigin);
        send(new ControlMessage.Handshake(id, listener.index(), request.uri(), peerOrigin, protocols, headers, remoteAddress));
        return connection;
    }

    /** A handshake ended before it completed (peer left, page too slow, handshake failed). */
    void handshakeAbandoned(PeerConnection connection, String reason) {
        if (forget(connection)) {
            activity.record("rejected", name(), connection.listener().index(), connection.id(),
                    connection.remoteAddress(), null, reason);
            send(new ControlMessage.Close(connection.id(), 1006, reason, false));
        }
    }

    void opened(PeerConnection connection, String protocol) {
        if (connections.get(connection.id()) != connection) {
            return; // its listener closed while the handshake was being written: the close frame follows it
        }
        connection.markOpen();
        activity.record("accepted", name(), connection.listener().index(), connection.id(), connection.remoteAddress(),
                101, protocol == null ? null : "subprotocol " + protocol);
        LOG.info(name() + " listener " + shortPrefix(connection.listener().prefix()) + ": peer connected from "
                + connection.remoteAddress() + (protocol == null ? "" : " (subprotocol " + protocol + ")"));
        send(new ControlMessage.Open(connection.id(), protocol));
    }

    /** A message from a peer, relayed to the page. */
    void relayToPage(PeerConnection connection, byte kind, ByteBuf payload) {
        dataPath.toPage(connection, kind, payload);
    }

    /** The peer closed (cleanly with its code, or not: 1006) or was closed by the runtime. */
    void peerClosed(PeerConnection connection, int code, String reason, boolean wasClean) {
        dataPath.forget(connection.channel());
        if (forget(connection)) {
            LOG.info(name() + " listener " + shortPrefix(connection.listener().prefix()) + ": peer "
                    + connection.remoteAddress() + " closed with code " + code
                    + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
            recordClose(connection, code, reason, "peer");
            send(new ControlMessage.Close(connection.id(), code, reason, wasClean));
        }
    }

    // ---------------------------------------------------------------- HTTP requests

    /**
     * Takes an HTTP request for {@code listener}: returns the exchange's id, or -1 when the listener
     * or the page is gone, -2 when the listener has too many requests in progress.
     */
    int admitExchange(Listener listener, HttpExchange exchange) {
        if (listener.isClosed() || gone) {
            return -1;
        }
        int id = nextConnection.getAndIncrement() & Integer.MAX_VALUE;
        return exchanges.admit(listener, exchange, id) ? id : -2;
    }

    /** The exchange is over (answered with {@code status}, 0 if it never had one). */
    void exchangeEnded(HttpExchange exchange, int status) {
        exchanges.ended(exchange);
        activity.record("http", name(), exchange.listener().index(), exchange.id(), exchange.remoteAddress(),
                status == 0 ? null : status, exchange.method());
    }

    /** A piece of a request's body, to the page; {@code client} pauses while the control channel is backed up. */
    void bodyToPage(int id, byte kind, ByteBuf bytes, Channel client) {
        dataPath.toPage(id, kind, bytes, client);
    }

    /** A body frame (or end) from the page: for an exchange's response or a publication. */
    void bodyFromPage(byte kind, long id, ByteBuf payload) {
        exchanges.bodyFromPage(kind, id, payload);
    }

    void response(ControlMessage.Response response) {
        HttpExchange exchange = exchanges.get(response.conn());
        if (exchange != null) {
            exchange.responseFromPage(response);
        }
    }

    void abort(ControlMessage.Abort abort) {
        HttpExchange exchange = exchanges.get(abort.conn());
        if (exchange != null) {
            exchange.abortedByPage(abort.reason());
        }
    }

    void publish(ControlMessage.Publish publish) {
        exchanges.publish(publish, listeners.get(publish.listener()));
    }

    void purge(ControlMessage.Purge purge) {
        exchanges.purge(purge, listeners.get(purge.listener()));
    }

    // ---------------------------------------------------------------- internals

    void listen(ControlMessage.Listen listen) {
        int index = listen.listener();
        if (listeners.containsKey(index) || gate.holds(index)) {
            sendError(index, "listener " + index + " is already open", false);
            return;
        }
        if (listen.credentialHeaders() && credentialRequests.size() < config.maxListenersPerPage()) {
            credentialRequests.put(index, true);
        }
        if (listen.name() != null && nameRequests.size() < config.maxListenersPerPage()) {
            nameRequests.put(index, listen.name());
        }
        gate.request(index);
    }

    /** Binds listener {@code index} (its origin is allowed): peers may connect from now on. */
    void bindListener(int index) {
        if (gone) {
            return;
        }
        Grant grant = pageControl.grant();
        Router.Slot<Listener> slot = router.slot(grant, index);
        if (slot == null) {
            sendError(index, index >= grant.prefixes().size()
                    ? "listener limit reached: a page may open " + grant.prefixes().size() + " listeners"
                    : "listener " + index + " was stopped; its prefix is not reused", false);
            return;
        }
        String name = nameRequests.remove(index);
        if (name != null) {
            String prefix = named.prefixFor(origin, name);
            if (prefix == null) {
                sendError(index, "this site has too many named listeners (at most " + NamedPrefixes.MAX_PER_ORIGIN + ")", false);
                return;
            }
            router.release(slot); // the grant's prefix for this index stays unused
            slot = router.namedSlot(index, prefix);
            if (slot == null) {
                sendError(index, "the listener named '" + name + "' is already open (in another tab of this site?)", false);
                return;
            }
        }
        Listener listener = new Listener(this, slot, Boolean.TRUE.equals(credentialRequests.remove(index)));
        listeners.put(index, listener);
        router.bind(slot, listener);
        LOG.info(name() + " listener opened by origin " + origin + " on port " + publicPort
                + " prefix " + shortPrefix(slot.prefix()));
        activity.record("listener-opened", name(), index, null, null, null, "prefix " + shortPrefix(slot.prefix()));
        send(new ControlMessage.Listening(index, slot.prefix(), publicPort));
    }

    /** Listener {@code index} may not open; the page's listener fails with {@code reason}. */
    void refuseListener(int index, String reason) {
        LOG.info(name() + " (" + origin + ") may not listen: " + reason);
        sendError(index, reason, false);
    }

    void sendPending(String reason, String consentUrl) {
        send(new ControlMessage.Pending(null, reason, consentUrl));
    }

    /**
     * The user revoked this page's origin: its listeners close (peers see 1008) and fail with
     * {@code reason}. Call from any thread.
     */
    public void revoke(String reason) {
        control.eventLoop().execute(() -> {
            gate.revoked();
            for (Listener listener : listeners()) {
                closeListener(listener, 1008, "the page's site is no longer allowed");
                sendError(listener.index(), reason, false);
            }
        });
    }

    void unlisten(int index) {
        if (gate.holds(index)) {
            gate.drop(index);
            return;
        }
        Listener listener = listeners.get(index);
        if (listener == null) {
            sendError(index, "listener " + index + " is not open", false);
            return;
        }
        closeListener(listener, 1001, "listener stopped");
        LOG.info(name() + " listener " + shortPrefix(listener.prefix()) + " stopped");
    }

    private void closeListener(Listener listener, int code, String reason) {
        activity.record("listener-stopped", name(), listener.index(), null, null, code, reason);
        listener.markClosed();
        listeners.remove(listener.index(), listener);
        router.release(listener.slot());
        exchanges.listenerGone(listener);
        for (PeerConnection connection : connections.values()) {
            if (connection.listener() == listener) {
                if (connection.isOpen() || connection.isAccepted()) {
                    closePeer(connection, code, reason);
                } else if (forget(connection)) {
                    activity.record("rejected", name(), listener.index(), connection.id(), connection.remoteAddress(),
                            404, "the listener closed during the handshake");
                    connection.answers().reject(404, null);
                }
            }
        }
    }

    void closeFromPage(ControlMessage.Close close) {
        PeerConnection connection = connections.get(close.conn());
        if (connection == null) {
            return; // already closed by the peer; the page learns that from our Close
        }
        if (close.code() != 1000 && (close.code() < 3000 || close.code() > 4999)) {
            sendError(null, "close code " + close.code() + " may not be sent by a page (use 1000 or 3000-4999)", false);
            return;
        }
        if (!connection.isOpen()) {
            sendError(null, "connection " + close.conn() + " is not open yet; reject its handshake instead", false);
            return;
        }
        closePeer(connection, close.code(), close.reason());
    }

    /** The connection with this id, or null. */
    PeerConnection connection(int id) {
        return connections.get(id);
    }

    /** Sends a close frame to the peer and tells the page the connection is closed. */
    void closePeer(PeerConnection connection, int code, String reason) {
        if (forget(connection)) {
            // On the peer's own loop, after anything already queued there: an accepted handshake's
            // 101 (queued by the page's accept in the same read) must go out before the close frame.
            Channel peer = connection.channel();
            peer.eventLoop().execute(() -> closeLingering(peer, new CloseWebSocketFrame(code, reason)));
            if (connection.isOpen()) {
                recordClose(connection, code, reason, "page");
            }
            send(new ControlMessage.Close(connection.id(), code, reason, true));
        }
    }

    /**
     * Writes the close frame, ends the output, and reads (and drops) what the peer still sends for
     * a moment before closing: closing a socket with unread input makes the kernel reset the
     * connection, and a peer that was paused (or still sending) would lose the close frame.
     */
    private static void closeLingering(Channel peer, CloseWebSocketFrame close) {
        peer.config().setAutoRead(true);
        peer.writeAndFlush(close).addListener(written -> {
            if (peer instanceof io.netty.channel.socket.SocketChannel socket && socket.isActive()) {
                socket.shutdownOutput();
            }
            peer.eventLoop().schedule(() -> peer.close(), CLOSE_LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
    }

    /** A connection that was open has closed: an event, and an entry among the recently closed. */
    private void recordClose(PeerConnection connection, int code, String reason, String closedBy) {
        String why = reason == null || reason.isEmpty() ? null : reason;
        activity.record("closed", name(), connection.listener().index(), connection.id(), connection.remoteAddress(),
                code, closedBy.equals("peer") ? "by the peer" + (why == null ? "" : ": " + why)
                        : "by the page" + (why == null ? "" : ": " + why));
        activity.closed(new ClosedConnection(name(), origin, connection.listener().index(), connection.id(),
                connection.remoteAddress(), connection.since().toEpochMilli(), activity.now(), code, why, closedBy,
                connection.messagesIn(), connection.messagesOut(), connection.bytesIn(), connection.bytesOut()));
    }

    /** Removes a connection once; true for the caller that removed it. */
    private boolean forget(PeerConnection connection) {
        if (connections.remove(connection.id(), connection)) {
            connection.listener().connections.decrementAndGet();
            return true;
        }
        return false;
    }

    /** The page accepts a handshake. */
    void accept(ControlMessage.Accept accept) {
        answer(accept.conn()).ifPresent(c -> {
            c.markAccepted();
            c.answers().accept(accept.protocol(), accept.headers());
        });
    }

    /** The page refuses a handshake. */
    void reject(ControlMessage.Reject reject) {
        answer(reject.conn()).ifPresent(c -> {
            if (forget(c)) {
                activity.record("rejected", name(), c.listener().index(), c.id(), c.remoteAddress(), reject.status(),
                        reject.reason() == null || reject.reason().isEmpty() ? "by the page" : "by the page: " + reject.reason());
            }
            c.answers().reject(reject.status(), reject.reason());
        });
    }

    private java.util.Optional<PeerConnection> answer(int id) {
        PeerConnection connection = connections.get(id);
        if (connection == null || connection.isOpen() || connection.isAccepted()) {
            // The peer left meanwhile, or the page answered twice: nothing to do.
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(connection);
    }

    void sendError(Integer listener, String reason, boolean fatal) {
        send(new ControlMessage.Error(listener, reason, fatal));
    }

    void send(ControlMessage message) {
        if (control.isActive()) {
            dataPath.sendControl(codec.encode(message));
        }
    }

    /** Closes the control channel after a fatal error: 1008, with the error message sent before it. */
    void closeControl() {
        control.writeAndFlush(new CloseWebSocketFrame(1008, "refused")).addListener(ChannelFutureListener.CLOSE);
    }

    /** Prefixes are capabilities: logs show only their start. */
    public static String shortPrefix(String prefix) {
        return prefix.length() <= 8 ? prefix : prefix.substring(0, 7) + "…/";
    }

    /** Counts of what this page holds, for the status page. */
    public Collection<PeerConnection> allConnections() {
        return connections.values();
    }

    /** A peer is turned away with an HTTP status (and an optional detail for the body). */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }
    }
}
