package org.browsersocket.runtime.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The router's cap is on unclaimed grants: claimed grants (live pages) do not count against it, so
 * live pages never make new script loads evict each other's unclaimed grants.
 */
class GrantCapCountsUnclaimedTest {
    @Test
    void claimedGrantsDoNotCountAgainstTheCapOnUnclaimedOnes() {
        int cap = 10;
        Router<String> router = new Router<>(new PrefixMinter(), 1, 10, TimeUnit.MINUTES, cap);
        for (int i = 0; i < cap; i++) {
            Grant live = router.mint();
            assertSame(live, router.claim(live.token())); // cap pages connected
        }
        Grant first = router.mint();  // page A loads its script: 1 unclaimed grant
        router.mint();                // page B loads its script: 2 unclaimed grants, far under the cap
        assertNotNull(router.slot(first.prefixes().get(0)), "page A's prefix is still minted");
        assertSame(first, router.claim(first.token()), "page A can still claim its grant");
    }
}
