package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** discovery-service's own HTTP answers; the shared server is tested in service-process. */
class DiscoveryServerTest {

    private static final StoreLocation STORE = StoreLocation.parse(StoreLocation.DEFAULT);

    @RegisterExtension
    static final RunningServer<DiscoveryServer> DISCOVERY =
            new RunningServer<>(() -> new DiscoveryServer(0, STORE));

    @Test
    void healthzNamesDiscoveryService() throws Exception {
        Map<String, Object> health = Http.json(DISCOVERY.send("GET", "/healthz"));
        assertEquals("discovery-service", health.get("service"));
        assertEquals("ok", health.get("status"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST /", "POST /RPC2", "GET /RPC2", "GET /values/some-name",
                            "POST /values/some-name", "DELETE /values/some-name"})
    void theXmlRpcAndJsonApisAreNotImplementedYet(String request) throws Exception {
        String[] methodAndPath = request.split(" ");
        Http.assertNotImplementedYet(DISCOVERY.send(methodAndPath[0], methodAndPath[1]));
    }

    @Test
    void aServerNeedsAStore() {
        assertThrows(NullPointerException.class, () -> new DiscoveryServer(0, null));
    }
}
