package org.browsersocket.runtime.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How long unclaimed grants live, on the router itself: the runtime's ten minutes
 * (HostRuntime.UNCLAIMED_GRANT_MINUTES, checked every minute) cannot be shortened from a test, so
 * time is passed in here. The cap in a running runtime: GrantCapTest.
 */
class GrantLifetimeTest {
    static final long TTL_MINUTES = 10;
    private final Router<String> router = new Router<>(new PrefixMinter(), 2, TTL_MINUTES, TimeUnit.MINUTES, 20);

    @Test
    void anUnclaimedGrantLivesExactlyItsTtlAndThenItsPrefixesAndTokenAreGone() {
        long before = System.nanoTime();
        Grant grant = router.mint();
        long after = System.nanoTime();
        long ttl = TimeUnit.MINUTES.toNanos(TTL_MINUTES);

        assertEquals(0, router.expireUnclaimed(before + ttl, false), "not expired at its TTL");
        assertNotNull(router.slot(grant.prefixes().get(0)));
        assertEquals(1, router.expireUnclaimed(after + ttl + 1, false), "expired once past it");
        grant.prefixes().forEach(p -> assertNull(router.slot(p)));
        assertNull(router.claim(grant.token()), "an expired grant cannot be claimed");
        assertEquals(0, router.grantCount());
    }

    @Test
    void expiryRefusesPeersWaitingOnTheGrantsPendingPrefixes() {
        Grant grant = router.mint();
        var waiting = router.slot(grant.prefixes().get(1)).bound();
        router.expireUnclaimed(System.nanoTime() + TimeUnit.MINUTES.toNanos(TTL_MINUTES + 1), false);
        assertTrue(waiting.isCompletedExceptionally());
        CompletionException gone = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, waiting::join);
        assertTrue(gone.getCause() instanceof Router.PrefixGone);
    }

    @Test
    void claimedAndAdoptedGrantsNeverExpireNorFallToTheCap() {
        Grant claimed = router.mint();
        assertSame(claimed, router.claim(claimed.token()));
        Grant adopted = router.adopt(List.of(new PrefixMinter().mintPrefix()));
        assertNotNull(adopted);
        long muchLater = System.nanoTime() + TimeUnit.DAYS.toNanos(365);
        assertEquals(0, router.expireUnclaimed(muchLater, false));
        assertEquals(0, router.expireUnclaimed(muchLater, true), "making room drops unclaimed grants only");
        assertNotNull(router.slot(claimed.prefixes().get(0)));
        assertNotNull(router.slot(adopted.prefixes().get(0)));
    }

    @Test
    void atTheCapMintingDropsTheOldestTenthOfUnclaimedGrantsOldestFirst() {
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            grants.add(router.mint());
        }
        assertEquals(20, router.grantCount(), "at the cap, nothing dropped yet");
        Grant next = router.mint(); // over the cap: the oldest tenth (2) goes, oldest first
        assertEquals(19, router.grantCount());
        assertNull(router.slot(grants.get(0).prefixes().get(0)));
        assertNull(router.slot(grants.get(1).prefixes().get(0)));
        assertNotNull(router.slot(grants.get(2).prefixes().get(0)));
        assertNotNull(router.slot(next.prefixes().get(0)));
        assertFalse(router.slot(grants.get(2).prefixes().get(0)).bound().isDone());
    }
}
