package org.browsersocket.address.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxyTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8",
        "192.0.2.7, 192.0.2.7/32",
        "2001:db8::/32, 2001:db8::/32",
        "2001:DB8:0:0::/48, 2001:db8::/48",
        "::1, ::1/128",
        "0.0.0.0/0, 0.0.0.0/0",
    })
    void acceptsCidrBlocksAndBareAddresses(String text, String canonical) {
        assertEquals(canonical, TrustedProxy.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10.0.0.0/33", "10.0.0.0/", "/8", "10.0.0", "10.0.0.*",
                            "10.0.0.1-5", "10.0.0.0/255.0.0.0", "example.org", "fe80::1%eth0",
                            "2001:db8::/129", "*"})
    void rejectsWhatIsNotACidrBlock(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxy.parse(text));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsHostBitsBeyondThePrefixAndSuggestsTheBlock() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxy.parse("10.1.2.3/8"));
        assertTrue(e.getMessage().contains("did you mean 10.0.0.0/8?"), e.getMessage());
    }

    @Test
    void theBlockContainsItsAddresses() {
        TrustedProxy proxy = TrustedProxy.parse("10.0.0.0/8");
        assertTrue(proxy.block().contains(new inet.ipaddr.IPAddressString("10.200.3.4").getAddress()));
        assertFalse(proxy.block().contains(new inet.ipaddr.IPAddressString("11.0.0.1").getAddress()));
    }
}
