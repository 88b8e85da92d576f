package org.browsersocket.runtime.relay;

import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.browsersocket.runtime.limits.PeerAdmission;
import org.browsersocket.runtime.relay.agent.CacheStore;
import org.browsersocket.runtime.routing.PrefixMinter;

/**
 * A relay's state: who is registered, which prefix routes to whom, and which relayed peers wait
 * for their registrant to attach. Nothing here is shared with other relays: running more relays
 * is how relaying scales. Thread-safe.
 */
public final class RelayHub {
    private static final Logger LOG = Logger.getLogger("browsersocket.relay");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A registration or route was refused; the message says why, for the registrant. */
    public static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private final String tokenHash;
    private final RelayLimits limits;
    private final PeerAdmission admission;
    private final RelayCodec codec = new RelayCodec();
    private final Map<String, Registrant> registrants = new ConcurrentHashMap<>();
    private final Map<String, Registrant> routes = new ConcurrentHashMap<>();
    private final Map<String, AttachWaiter> waiting = new ConcurrentHashMap<>();
    private final CacheStore cache;

    /**
     * {@code token}: what registrants must present (null: an open relay). With a cache in
     * {@code limits}, opens it (loading what an earlier run stored); throws
     * IllegalArgumentException, saying what to do, if its directory is unusable.
     */
    public RelayHub(String token, RelayLimits limits, PeerAdmission admission) {
        this.tokenHash = token == null ? null : sha256(token);
        this.limits = limits;
        this.admission = admission;
        this.cache = limits.cache() == null ? null : openCache(limits.cache());
    }

    private static CacheStore openCache(RelayCacheLimits limits) {
        try {
            return CacheStore.open(limits.dir(), limits.bytesPerRegistrant(), limits.bytes(), limits.entryBytes());
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot keep the relay cache in " + limits.dir() + " (" + e
                    + "); choose another directory with --relay-cache-dir, or run without a cache (--no-relay-cache)", e);
        }
    }

    /** What the relay keeps of its registrants' pages, or null (no cache). */
    public CacheStore cache() {
        return cache;
    }

    public RelayLimits limits() {
        return limits;
    }

    RelayCodec codec() {
        return codec;
    }

    PeerAdmission admission() {
        return admission;
    }

    /** Whether a link presenting {@code token} (maybe null) may register. */
    boolean tokenAccepted(String token) {
        if (tokenHash == null) {
            return true;
        }
        return token != null && MessageDigest.isEqual(tokenHash.getBytes(StandardCharsets.US_ASCII),
                sha256(token).getBytes(StandardCharsets.US_ASCII));
    }

    public boolean isPrivate() {
        return tokenHash != null;
    }

    /**
     * Registers the runtime holding {@code key} on {@code link}. The same key again (a runtime
     * reconnecting) takes its registration, and its routes, back; the older link is closed.
     */
    Registrant register(String key, Channel link, String address) throws Refusal {
        String keyHash = sha256(key);
        Registrant registrant = registrants.computeIfAbsent(keyHash, h -> registrants.size() >= limits.maxRegistrants()
                ? null : new Registrant(h, address, link, limits.bytesPerSecond()));
        if (registrant == null) {
            throw new Refusal("the relay holds its maximum of " + limits.maxRegistrants() + " registrants");
        }
        Channel old = registrant.link();
        registrant.unconfirmed.clear();
        registrant.unconfirmed.addAll(registrant.routes); // kept until it says which it still holds
        registrant.attach(link);
        if (old != null && old != link) {
            old.close();
        }
        return registrant;
    }

    /** The registrant's link dropped: its peers are closed (1001); its routes wait for it to return. */
    void linkLost(Registrant registrant, Channel link) {
        if (!registrant.detach(link, System.nanoTime())) {
            return;
        }
        LOG.info(registrant.name() + " disconnected; its " + registrant.routeCount()
                + " routes are kept for " + limits.reclaim().toSeconds() + " s");
        for (Channel peer : registrant.peers) {
            peer.close(); // the splice closes it with 1001 where it can
        }
        link.eventLoop().schedule(() -> forgetIfStillGone(registrant), limits.reclaim().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void forgetIfStillGone(Registrant registrant) {
        if (registrant.link() == null && registrants.remove(registrant.keyHash(), registrant)) {
            registrant.routes.forEach(prefix -> {
                if (routes.remove(prefix, registrant)) {
                    unrouted(prefix);
                }
            });
            LOG.info(registrant.name() + " did not come back; its routes are gone");
        }
    }

    void addRoute(Registrant registrant, String prefix) throws Refusal {
        if (!PrefixMinter.isWellFormed(prefix)) {
            throw new Refusal("not a listener prefix: " + prefix);
        }
        if (!registrant.routes.contains(prefix) && registrant.routes.size() >= limits.maxRoutes()) {
            throw new Refusal("a registrant may route at most " + limits.maxRoutes() + " prefixes");
        }
        Registrant owner = routes.putIfAbsent(prefix, registrant);
        if (owner != null && owner != registrant) {
            throw new Refusal("the prefix is routed to another registrant");
        }
        registrant.routes.add(prefix);
        registrant.unconfirmed.remove(prefix);
        if (cache != null) {
            cache.routed(prefix, registrant.keyHash());
        }
    }

    /** The registrant re-added what it still holds: the rest of its old routes go. */
    void synced(Registrant registrant) {
        for (String prefix : List.copyOf(registrant.unconfirmed)) {
            removeRoute(registrant, prefix);
        }
        registrant.unconfirmed.clear();
    }

    void removeRoute(Registrant registrant, String prefix) {
        if (routes.remove(prefix, registrant)) {
            registrant.routes.remove(prefix);
            unrouted(prefix);
        }
    }

    /** The cache keeps what it stored for a prefix nobody routes now: served while the page is away. */
    private void unrouted(String prefix) {
        if (cache != null) {
            cache.unrouted(prefix);
        }
    }

    /** Who a prefix routes to, or null. */
    public Registrant route(String prefix) {
        return prefix == null ? null : routes.get(prefix);
    }

    /** A relayed peer waits for its registrant's attach connection; returns the stream's secret name. */
    String await(AttachWaiter waiter) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String stream = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        waiting.put(stream, waiter);
        return stream;
    }

    /** The waiter of {@code stream}, removed; null if unknown, taken or given up. */
    AttachWaiter take(String stream) {
        return stream == null ? null : waiting.remove(stream);
    }

    void giveUp(String stream, AttachWaiter waiter) {
        waiting.remove(stream, waiter);
    }

    /**
     * Asks {@code registrant} to attach for a request to {@code prefix} from {@code remoteAddress};
     * {@code waiter} gets the connection ({@link AttachWaiter#attached}), and must then
     * {@link #track} it. It counts as one of the registrant's connections from now on. Returns the
     * stream's name, for {@link #withdraw}; refused when the registrant is not connected or is
     * at its connection limit.
     */
    public String dial(Registrant registrant, String prefix, String remoteAddress, AttachWaiter waiter) throws Refusal {
        if (!registrant.connected()) {
            throw new Refusal("the page's runtime is reconnecting to this relay");
        }
        if (registrant.connections.incrementAndGet() > limits.maxConnections()) {
            registrant.connections.decrementAndGet();
            throw new Refusal("the relay's limit of " + limits.maxConnections()
                    + " connections for this page's runtime is reached");
        }
        String stream = await(waiter);
        registrant.send(codec.encode(new RelayMessage.Dial(stream, prefix, remoteAddress)));
        return stream;
    }

    /** The waiter gives up on {@code stream}: true if it was still waiting (no attach will come). */
    public boolean withdraw(Registrant registrant, String stream, AttachWaiter waiter) {
        if (waiting.remove(stream, waiter)) {
            registrant.connections.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * An attach connection {@link #dial}ed for counts as the registrant's until it closes, and
     * closes when the registrant goes away.
     */
    public void track(Registrant registrant, Channel attach) {
        registrant.peerRelayed();
        registrant.peers.add(attach);
        attach.closeFuture().addListener(closed -> {
            registrant.peers.remove(attach);
            registrant.connections.decrementAndGet();
        });
    }

    /** Registrants, for the status page. */
    public List<Registrant> registrants() {
        return List.copyOf(registrants.values());
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
