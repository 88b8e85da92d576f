package org.browsersocket.address.teredo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddressString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TeredoTest {
    static Teredo decode(String address) {
        return Teredo.decode(new IPAddressString(address).getAddress().toIPv6()).orElseThrow();
    }

    @Test
    void rfc4380ExampleBehindAConeNat() {
        assertEquals(new Teredo("65.54.227.120", "192.0.2.45", 40000, true, "8000"),
                decode("2001:0:4136:e378:8000:63bf:3fff:fdd2"));
    }

    @Test
    void addressBehindANonConeNat() {
        assertEquals(new Teredo("198.51.100.1", "203.0.113.77", 51234, false, "0000"),
                decode("2001:0:c633:6401:0:37dd:34ff:8eb2"));
    }

    @Test
    void randomisedFlagBitsAreKeptAndOnlyTheTopBitMeansCone() {
        // Seen in the lab: RFC 5991 clients randomise flag bits other than cone.
        Teredo teredo = decode("2001:0:c633:6401:e4:26e6:34ff:8ef4");
        assertEquals("00e4", teredo.flags());
        assertEquals("198.51.100.1", teredo.server());
        assertEquals("203.0.113.11", teredo.client());
        assertEquals(55577, teredo.port());
        assertEquals(false, teredo.cone());
    }

    @Test
    void writtenInFullOrCompressedTheSameAddressDecodesTheSame() {
        assertEquals(decode("2001:0:4136:e378:8000:63bf:3fff:fdd2"),
                decode("2001:0000:4136:E378:8000:63BF:3FFF:FDD2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1", "::1", "2002:c000:22d::1", "2001:1::1", "fe80::1"})
    void addressesOutsideTheTeredoPrefixAreNotTeredo(String address) {
        assertTrue(Teredo.decode(new IPAddressString(address).getAddress().toIPv6()).isEmpty(), address);
    }
}
