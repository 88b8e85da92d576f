package org.browsersocket.runtime.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.browsersocket.runtime.consent.ConsentBook;
import org.browsersocket.runtime.consent.Origins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostAndOriginRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:7040", "localhost", "LOCALHOST:7040", "localhost.:80",
            "[::1]", "[::1]:7040", "127.1.2.3:9"})
    void loopbackHostsAreServed(String host) {
        assertTrue(LoopbackHosts.isLoopback(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evil.example", "evil.example:7040", "localhost.evil.example", "127.0.0.1.evil.example",
            "128.0.0.1", "127.0.0.256", "[::2]:7040", "[::1]x", "localhost:abc", "localhost:", "10.0.0.1:7040",
            "127.0.0.1:7040:1", "0x7f.0.0.1"})
    void otherHostsAreRefused(String host) {
        assertFalse(LoopbackHosts.isLoopback(host), host);
    }

    @Test
    void missingHostIsRefused() {
        assertFalse(LoopbackHosts.isLoopback(null));
    }

    @Test
    void originsAllowedByFlagAreComparedCaseInsensitivelyAndOthersAreNotYetAsked() throws Exception {
        ConsentBook book = new ConsentBook(null, Set.of("http://localhost:8080", "HTTPS://App.Example/"));
        assertEquals(ConsentBook.Standing.ALLOWED, book.standing("http://localhost:8080"));
        assertEquals(ConsentBook.Standing.ALLOWED, book.standing("https://app.example"));
        assertEquals(ConsentBook.Standing.UNKNOWN, book.standing("http://localhost:8081"));
        assertEquals(ConsentBook.Standing.UNKNOWN, book.standing("http://localhost"));
        assertEquals(ConsentBook.Standing.DENIED, book.standing(null));
    }

    @Test
    void onlyHttpAndHttpsOriginsWithoutAPathCount() {
        assertTrue(Origins.isOrigin("https://app.example:8443"));
        assertTrue(Origins.isOrigin("http://[::1]:8080"));
        assertFalse(Origins.isOrigin("null"));
        assertFalse(Origins.isOrigin("file://"));
        assertFalse(Origins.isOrigin("https://app.example/path"));
        assertFalse(Origins.isOrigin("chrome-extension://abc"));
    }
}
