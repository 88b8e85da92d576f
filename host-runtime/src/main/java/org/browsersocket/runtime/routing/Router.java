package org.browsersocket.runtime.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Maps resource prefixes to listeners. A prefix exists from the moment it is minted into a script
 * (its slot is then <em>pending</em>), is <em>bound</em> when the page opens that listener, and
 * disappears when the listener stops, the page goes away, or an unclaimed grant expires.
 * A peer that arrives at a pending prefix can wait on {@link Slot#bound()}.
 *
 * @param <L> the listener type bound to a prefix
 */
public final class Router<L> {
    /** One prefix: which grant minted it, and the listener once bound. */
    public static final class Slot<L> {
        private final int index;
        private final String prefix;
        private final CompletableFuture<L> bound = new CompletableFuture<>();

        Slot(Grant grant, int index) {
            this(index, grant.prefixes().get(index));
        }

        Slot(int index, String prefix) {
            this.index = index;
            this.prefix = prefix;
        }

        public int index() {
            return index;
        }

        public String prefix() {
            return prefix;
        }

        /** Completes with the listener when bound; fails when the prefix goes away unbound. */
        public CompletableFuture<L> bound() {
            return bound;
        }
    }

    /** Thrown into waiting peers when a pending prefix disappears. */
    public static final class PrefixGone extends RuntimeException {
        PrefixGone() {
            super("prefix is gone", null, false, false);
        }
    }

    /** Told when a listener binds a prefix and when a bound prefix goes away (e.g. to route it through relays). */
    public interface Bindings {
        void bound(String prefix);

        void released(String prefix);
    }

    private final java.util.List<Bindings> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final PrefixMinter minter;
    private final int listenersPerGrant;
    private final long unclaimedTtlNanos;
    private final int maxUnclaimedGrants;
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Map<String, Slot<L>> slots = new ConcurrentHashMap<>();
    /** Prefixes that were bound and released, newest last: a client asking for one is told to come back later. */
    private final Map<String, Boolean> released = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_REMEMBERED_RELEASES;
                }
            });
    /** Released prefixes remembered at most. */
    static final int MAX_REMEMBERED_RELEASES = 10_000;
    /** Grants minted and neither claimed nor released: what the cap counts (live pages do not). */
    private final java.util.concurrent.atomic.AtomicInteger unclaimed = new java.util.concurrent.atomic.AtomicInteger();

    public Router(PrefixMinter minter, int listenersPerGrant, long unclaimedTtl, TimeUnit unit,
                  int maxUnclaimedGrants) {
        this.minter = minter;
        this.listenersPerGrant = listenersPerGrant;
        this.unclaimedTtlNanos = unit.toNanos(unclaimedTtl);
        this.maxUnclaimedGrants = maxUnclaimedGrants;
    }

    /** Mints a grant for one script fetch; its prefixes are pending until bound. */
    public Grant mint() {
        if (unclaimed.get() >= maxUnclaimedGrants) {
            expireUnclaimed(System.nanoTime(), true);
        }
        List<String> prefixes = new ArrayList<>(listenersPerGrant);
        for (int i = 0; i < listenersPerGrant; i++) {
            prefixes.add(minter.mintPrefix());
        }
        Grant grant = new Grant(minter.mintToken(), prefixes, System.nanoTime());
        for (int i = 0; i < listenersPerGrant; i++) {
            slots.put(prefixes.get(i), new Slot<>(grant, i));
        }
        grants.put(grant.token(), grant);
        unclaimed.incrementAndGet();
        return grant;
    }

    /**
     * A grant for prefixes minted elsewhere (by the browser extension, for a page it serves),
     * claimed at once; null when a prefix is malformed or already in use.
     */
    public Grant adopt(List<String> prefixes) {
        if (prefixes.isEmpty() || !prefixes.stream().allMatch(PrefixMinter::isWellFormed)
                || prefixes.stream().distinct().count() != prefixes.size()) {
            return null;
        }
        Grant grant = new Grant(minter.mintToken(), prefixes, System.nanoTime());
        grant.claim();
        for (int i = 0; i < prefixes.size(); i++) {
            if (slots.putIfAbsent(prefixes.get(i), new Slot<>(grant, i)) != null) {
                for (int j = 0; j < i; j++) {
                    slots.remove(prefixes.get(j));
                }
                return null;
            }
        }
        grants.put(grant.token(), grant);
        return grant;
    }

    /** Claims the grant with this token for one control channel; null if unknown or taken. */
    public Grant claim(String token) {
        Grant grant = grants.get(token);
        if (grant != null && grant.claim()) {
            unclaimed.decrementAndGet();
            return grant;
        }
        return null;
    }

    /** The slot of a prefix, or null when nobody holds that prefix. */
    public Slot<L> slot(String prefix) {
        return prefix == null ? null : slots.get(prefix);
    }

    /** The slot for listener {@code index} of a claimed grant, or null if out of range or gone. */
    public Slot<L> slot(Grant grant, int index) {
        if (index < 0 || index >= grant.prefixes().size()) {
            return null;
        }
        return slots.get(grant.prefixes().get(index));
    }

    /** Binds a pending slot to its listener; false if it was already bound or is gone. */
    public boolean bind(Slot<L> slot, L listener) {
        boolean bound = slots.get(slot.prefix()) == slot && slot.bound.complete(listener);
        if (bound) {
            watchers.forEach(w -> w.bound(slot.prefix()));
        }
        return bound;
    }

    /** Frees one prefix for good (a stopped listener's prefix is never reused). */
    public void release(Slot<L> slot) {
        boolean wasBound = slots.remove(slot.prefix(), slot) && slot.bound.isDone() && !slot.bound.isCompletedExceptionally();
        slot.bound.completeExceptionally(new PrefixGone());
        if (wasBound) {
            released.put(slot.prefix(), Boolean.TRUE);
            watchers.forEach(w -> w.released(slot.prefix()));
        }
    }

    /**
     * A slot for listener {@code index} under a prefix of its own rather than the grant's: a named
     * listener's, the same on every visit ({@link NamedPrefixes}). Null when that prefix is in use.
     */
    public Slot<L> namedSlot(int index, String prefix) {
        Slot<L> slot = new Slot<>(index, prefix);
        return slots.putIfAbsent(prefix, slot) == null ? slot : null;
    }

    /** Whether {@code prefix} was bound by a listener that has since closed (among the latest releases). */
    public boolean wasReleased(String prefix) {
        return prefix != null && released.containsKey(prefix);
    }

    /** Adds a watcher of bindings; it is told only of later ones (see {@link #boundPrefixes}). */
    public void watch(Bindings watcher) {
        watchers.add(watcher);
    }

    /** Prefixes bound to a listener now. */
    public List<String> boundPrefixes() {
        return slots.values().stream().filter(s -> s.bound.isDone() && !s.bound.isCompletedExceptionally())
                .map(Slot::prefix).toList();
    }

    /** Frees every prefix of a grant and forgets its token: the page went away. */
    public void release(Grant grant) {
        if (grants.remove(grant.token(), grant) && grant.releaseUnclaimed()) {
            unclaimed.decrementAndGet();
        }
        for (String prefix : grant.prefixes()) {
            Slot<L> slot = slots.get(prefix);
            if (slot != null) {
                release(slot);
            }
        }
    }

    /**
     * Releases grants nobody claimed within the TTL (pages that loaded the script but never
     * listened). With {@code makeRoom}, also drops the oldest unclaimed tenth to stay under the cap.
     */
    public int expireUnclaimed(long nowNanos, boolean makeRoom) {
        List<Grant> unclaimed = grants.values().stream().filter(g -> !g.isClaimed())
                .sorted(Comparator.comparingLong(Grant::mintedAtNanos)).toList();
        int dropped = 0;
        int forRoom = makeRoom ? Math.max(1, unclaimed.size() / 10) : 0;
        for (Grant grant : unclaimed) {
            if (dropped < forRoom || nowNanos - grant.mintedAtNanos() > unclaimedTtlNanos) {
                release(grant);
                dropped++;
            }
        }
        return dropped;
    }

    /** Grants minted and not yet released. */
    public int grantCount() {
        return grants.size();
    }
}
