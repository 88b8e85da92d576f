package org.browsersocket.runtime.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router<String> router = new Router<>(new PrefixMinter(), 3, 10, TimeUnit.MINUTES, 100);

    @Test
    void mintedPrefixesArePendingUntilBound() {
        Grant grant = router.mint();
        assertEquals(3, grant.prefixes().size());
        Router.Slot<String> slot = router.slot(grant.prefixes().get(1));
        assertNotNull(slot);
        assertEquals(1, slot.index());
        assertFalse(slot.bound().isDone());
        assertTrue(router.bind(slot, "listener"));
        assertEquals("listener", slot.bound().join());
        assertFalse(router.bind(slot, "again"), "a prefix binds once");
    }

    @Test
    void aGrantIsClaimedByOneControlChannelOnly() {
        Grant grant = router.mint();
        assertSame(grant, router.claim(grant.token()));
        assertNull(router.claim(grant.token()));
        assertNull(router.claim("no-such-token"));
    }

    @Test
    void releasingAPrefixFailsItsWaitersAndForgetsIt() {
        Grant grant = router.mint();
        Router.Slot<String> slot = router.slot(grant, 0);
        router.release(slot);
        assertTrue(slot.bound().isCompletedExceptionally());
        assertNull(router.slot(grant.prefixes().get(0)));
        assertNull(router.slot(grant, 0), "a released prefix is never reused");
        assertFalse(router.bind(slot, "late"));
    }

    @Test
    void releasingAGrantFreesAllItsPrefixes() {
        Grant grant = router.mint();
        router.bind(router.slot(grant, 0), "a");
        router.release(grant);
        grant.prefixes().forEach(p -> assertNull(router.slot(p)));
        assertEquals(0, router.grantCount());
    }

    @Test
    void unclaimedGrantsExpireAndClaimedOnesStay() {
        Grant unclaimed = router.mint();
        Grant claimed = router.mint();
        router.claim(claimed.token());
        assertEquals(1, router.expireUnclaimed(System.nanoTime() + TimeUnit.MINUTES.toNanos(11), false));
        assertNull(router.slot(unclaimed.prefixes().get(0)));
        assertNotNull(router.slot(claimed.prefixes().get(0)));
    }

    @Test
    void mintingPastTheCapDropsTheOldestUnclaimedGrants() {
        Grant first = router.mint();
        for (int i = 0; i < 150; i++) {
            router.mint();
        }
        assertTrue(router.grantCount() <= 100);
        assertNull(router.slot(first.prefixes().get(0)));
    }

    @Test
    void slotIndexOutOfRangeIsNull() {
        Grant grant = router.mint();
        assertNull(router.slot(grant, 3));
        assertNull(router.slot(grant, -1));
    }
}
