package org.browsersocket.runtime.relay;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime registered with this relay, known by the hash of its key: its link (null while it
 * reconnects), its routes, and the peers relayed to it now.
 */
public final class Registrant {
    private final String keyHash;
    private final String address;
    private final Instant since = Instant.now();
    private final TokenBucket bucket;
    final Set<String> routes = ConcurrentHashMap.newKeySet();
    /** Routes kept from before a reconnection that the registrant has not added again yet. */
    final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
    final Set<Channel> peers = ConcurrentHashMap.newKeySet();
    final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong relayedPeers = new AtomicLong();
    private final AtomicLong relayedBytes = new AtomicLong();
    private volatile Channel link;
    private volatile long detachedNanos;

    Registrant(String keyHash, String address, Channel link, long bytesPerSecond) {
        this.keyHash = keyHash;
        this.address = address;
        this.link = link;
        this.bucket = new TokenBucket(bytesPerSecond);
    }

    /** A short, non-secret name for logs and the status page. */
    public String name() {
        return "registrant " + keyHash.substring(0, 8) + " (" + address + ")";
    }

    public Instant since() {
        return since;
    }

    public boolean connected() {
        Channel l = link;
        return l != null && l.isActive();
    }

    public int routeCount() {
        return routes.size();
    }

    public int connectionCount() {
        return connections.get();
    }

    public long relayedPeers() {
        return relayedPeers.get();
    }

    public long relayedBytes() {
        return relayedBytes.get();
    }

    /** The hash of the registrant's key: who it is, across reconnections and relay restarts. */
    public String keyHash() {
        return keyHash;
    }

    Channel link() {
        return link;
    }

    void attach(Channel newLink) {
        link = newLink;
    }

    /** The link dropped; returns false if another link already replaced it. */
    boolean detach(Channel oldLink, long nowNanos) {
        if (link != oldLink) {
            return false;
        }
        link = null;
        detachedNanos = nowNanos;
        return true;
    }

    long detachedNanos() {
        return detachedNanos;
    }

    void send(String text) {
        Channel l = link;
        if (l != null && l.isActive()) {
            l.writeAndFlush(new TextWebSocketFrame(text), l.voidPromise());
        }
    }

    /** Accounts relayed bytes; returns how long to pause reading (the registrant's rate), in nanoseconds. */
    public long relayed(int bytes) {
        relayedBytes.addAndGet(bytes);
        return bucket.take(bytes, System.nanoTime());
    }

    void peerRelayed() {
        relayedPeers.incrementAndGet();
    }
}
