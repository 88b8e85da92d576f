package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BindAddressTest {

    @ParameterizedTest
    @CsvSource({
        "*, *",
        "127.0.0.1, 127.0.0.1",
        "0.0.0.0, 0.0.0.0",
        "::1, ::1",
        "[::1], ::1",
        "::, ::",
        "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "fe80:0:0:0:0:0:0:5, fe80::5",
        "' 10.1.2.3 ', 10.1.2.3",
    })
    void anyOrAnIpAddressIsAcceptedAndShownInShortForm(String text, String shown) {
        assertEquals(shown, BindAddress.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.org", "127.0.0", "127.0.0.256", "::1%lo",
                            "10.0.0.0/8", "**", "1.2.3.4:80", "[::1]:80", ":::"})
    void anythingElseIsRefusedWithAOneLineReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BindAddress.parse(text));
        assertTrue(e.getMessage().contains("is not an IP address nor *"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anyBindsBothFamiliesOnOneSocketAndIsDescribedAsBoth() {
        assertTrue(BindAddress.parse("*").isAny());
        assertEquals("::", BindAddress.ANY.host());
        assertEquals(2, BindAddress.ANY.describe(7050).length);
        assertEquals("http://[::1]:7050 (IPv6)", BindAddress.parse("::1").describe(7050)[0]);
        assertEquals("http://127.0.0.1:7050 (IPv4)", BindAddress.parse("127.0.0.1").describe(7050)[0]);
    }
}
