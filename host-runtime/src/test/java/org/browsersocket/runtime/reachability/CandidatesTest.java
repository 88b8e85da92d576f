package org.browsersocket.runtime.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.ControlMessage.Candidate;
import org.junit.jupiter.api.Test;

/** Which addresses are ways in, and in which order pages are told them. */
class CandidatesTest {
    static String kind(String address) throws Exception {
        return InterfaceAddresses.kindOf(InetAddress.getByName(address));
    }

    @Test
    void onlyAddressesOtherNetworksCanReachAreCandidates() throws Exception {
        for (String local : List.of("127.0.0.1", "::1", "10.1.0.2", "172.16.4.4", "192.168.1.10", "169.254.3.3",
                "100.64.0.9", "fe80::1", "fd00::5", "0.0.0.0", "::", "224.0.0.1")) {
            assertNull(kind(local), local);
        }
        assertEquals("public", kind("203.0.113.11"));
        assertEquals("public", kind("8.8.8.8"));
        assertEquals("ipv6", kind("2001:db8:1::2"));
        assertEquals("ipv6", kind("2a00:1450::1"));
        assertEquals("teredo", kind("2001:0:c633:6401:87:350d:34ff:8ef4"));
    }

    @Test
    void candidatesComeBestFirstEachAddressOnceWithThePinholeDetailKept() {
        Candidates candidates = new Candidates(7041, false, m -> { });
        candidates.add(() -> List.of(new Candidate("relay", 4, "ws://203.0.113.30:7041", "through the relay")));
        candidates.add(() -> List.of(
                new Candidate("ipv6", 6, "ws://[2001:db8:1::2]:7041", "pinhole by PCP"),
                new Candidate("mapped", 4, "ws://203.0.113.11:40001", "NAT-PMP")));
        List<Candidate> now = candidates.current().stream()
                .filter(c -> c.base().contains("203.0.113") || c.base().contains("2001:db8:1::2")).toList();
        assertEquals(List.of("mapped", "ipv6", "relay"), now.stream().map(Candidate::kind).toList());
        assertEquals("pinhole by PCP", now.get(1).detail());
    }

    @Test
    void pagesAreToldOnlyWhenTheCandidatesChange() {
        List<ControlMessage.Reachability> told = new ArrayList<>();
        List<Candidate> relays = new ArrayList<>();
        Candidates candidates = new Candidates(7041, true, told::add);
        candidates.add(() -> List.copyOf(relays));
        candidates.message(); // what a page gets after its welcome
        candidates.refresh();
        assertEquals(0, told.size(), "nothing changed");
        relays.add(new Candidate("relay", 4, "wss://203.0.113.30:443", "through the relay"));
        candidates.refresh();
        assertEquals(1, told.size());
        assertEquals("wss://203.0.113.30:443", told.get(0).candidates().get(told.get(0).candidates().size() - 1).base());
        candidates.refresh();
        assertEquals(1, told.size());
    }
}
