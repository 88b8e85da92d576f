package org.browsersocket.runtime.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrefixMinterTest {
    private final PrefixMinter minter = new PrefixMinter();

    @Test
    void prefixesStartAndEndWithASlashAndCarry128RandomBits() {
        String prefix = minter.mintPrefix();
        assertTrue(prefix.startsWith("/") && prefix.endsWith("/"), prefix);
        byte[] decoded = Base64.getUrlDecoder().decode(prefix.substring(1, prefix.length() - 1));
        assertEquals(16, decoded.length);
        assertTrue(prefix.matches("/[A-Za-z0-9_-]{22}/"), prefix);
    }

    @Test
    void prefixesAndTokensDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            assertTrue(seen.add(minter.mintPrefix()));
            assertTrue(seen.add(minter.mintToken()));
        }
    }

    @Test
    void prefixOfAPathIsItsFirstSegmentWithSlashes() {
        assertEquals("/abc/", PrefixMinter.prefixOf("/abc/"));
        assertEquals("/abc/", PrefixMinter.prefixOf("/abc/room/1?x=y"));
        assertNull(PrefixMinter.prefixOf("/abc"));
        assertNull(PrefixMinter.prefixOf("/"));
        assertNull(PrefixMinter.prefixOf("//x/"));
        assertNull(PrefixMinter.prefixOf("abc/"));
        assertNull(PrefixMinter.prefixOf(null));
    }
}
