package org.browsersocket.runtime.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
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
    void onlyAllowedOriginsMayListenComparedCaseInsensitively() {
        OriginPolicy policy = new OriginPolicy(Set.of("http://localhost:8080", "HTTPS://App.Example/"));
        assertTrue(policy.allows("http://localhost:8080"));
        assertTrue(policy.allows("https://app.example"));
        assertFalse(policy.allows("http://localhost:8081"));
        assertFalse(policy.allows("http://localhost"));
        assertFalse(policy.allows(null));
        assertFalse(policy.allows("null"));
        assertTrue(policy.refusal("http://x.example").contains("--allow-origin http://x.example"));
    }
}
