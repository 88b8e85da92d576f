package org.browsersocket.experiments.addressing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real Chromium pages in the network lab, as a user's: a page in one home advertises every
 * candidate, a page in another home joins with {@code BrowserSocket.connect}. Behind a router that
 * maps ports the mapping wins; with symmetric NATs on both sides the relay does. One attempt per
 * row (E7's quick mode); needs root, the lab's packages and Chromium, and is skipped otherwise.
 */
class ReachabilityLabTest {
    @Test
    void aPageInAnotherHomeJoinsByTheMappingBehindAGatewayAndByTheRelayBehindTwoSymmetricNats() throws Exception {
        Path root = AddressingExperiment.repositoryRoot();
        String why = Lab.unavailable(root);
        Assumptions.assumeTrue(why == null, why);
        Assumptions.assumeTrue(new File(LabBrowser.BROWSER).canExecute() && new File(LabBrowser.DRIVER).canExecute(),
                "no Chromium and chromedriver");

        AddressingExperiment.Result result = AddressingExperiment.run(true, root, List.of("both_symmetric", "upnp"));
        Map<String, AddressingExperiment.Row> joined = result.rows().stream().filter(r -> r.kind().equals("connect"))
                .collect(Collectors.toMap(AddressingExperiment.Row::topology, r -> r));
        assertEquals(1, joined.get("upnp").successes(), "joined behind the gateway: " + joined.get("upnp"));
        assertEquals("mapped", joined.get("upnp").winner(), "by the gateway's mapping: " + result.rows());
        assertEquals(1, joined.get("both_symmetric").successes(), "joined across two symmetric NATs: " + result.rows());
        assertEquals("relay", joined.get("both_symmetric").winner(), "through the relay: " + result.rows());
    }
}
