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
    private final Map<String, RelayedPeer> waiting = new ConcurrentHashMap<>();

    /** {@code token}: what registrants must present (null: an open relay). */
    public RelayHub(String token, RelayLimits limits, PeerAdmission admission) {
        this.tokenHash = token == null ? null : sha256(token);
        this.limits = limits;
        this.admission = admission;
    }

    RelayLimits limits() {
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
            registrant.routes.forEach(prefix -> routes.remove(prefix, registrant));
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
        }
    }

    /** Who a prefix routes to, or null. */
    public Registrant route(String prefix) {
        return prefix == null ? null : routes.get(prefix);
    }

    /** A relayed peer waits for its registrant's attach connection; returns the stream's secret name. */
    String await(RelayedPeer peer) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String stream = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        waiting.put(stream, peer);
        return stream;
    }

    /** The waiting peer of {@code stream}, removed; null if unknown, taken or given up. */
    RelayedPeer take(String stream) {
        return stream == null ? null : waiting.remove(stream);
    }

    void giveUp(String stream, RelayedPeer peer) {
        waiting.remove(stream, peer);
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
