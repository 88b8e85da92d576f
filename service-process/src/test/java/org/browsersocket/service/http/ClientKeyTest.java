package org.browsersocket.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientKeyTest {

    static String key(String address) throws Exception {
        return ClientKey.of(InetAddress.getByName(address));
    }

    @ParameterizedTest
    @CsvSource({
        "203.0.113.7, 203.0.113.7",
        "::ffff:203.0.113.7, 203.0.113.7",
        "2001:db8:1:2::1, 2001:db8:1:2::/64",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2::/64",
        "::1, 0:0:0:0::/64",
    })
    void anIpv4AddressIsOneClientAndAnIpv6SlashSixtyFourIsOne(String address, String expected) throws Exception {
        assertEquals(expected, key(address));
    }

    @ParameterizedTest
    @CsvSource({"2001:db8:1:2::1, 2001:db8:1:3::1", "203.0.113.7, 203.0.113.8"})
    void neighbouringNetworksAreDifferentClients(String one, String other) throws Exception {
        assertNotEquals(key(one), key(other));
    }
}
