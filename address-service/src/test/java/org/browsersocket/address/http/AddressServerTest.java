package org.browsersocket.address.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.browsersocket.service.testing.Http;
import org.browsersocket.service.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** address-service's own HTTP answers; the shared server is tested in service-process. */
class AddressServerTest {

    @RegisterExtension
    static final RunningServer<AddressServer> ADDRESS =
            new RunningServer<>(() -> new AddressServer(0, List.of()));

    @ParameterizedTest
    @CsvSource({
        "GET, /address",
        "POST, /address",
        "GET, /teredo",
        "GET, /teredo/2001:0:4136:e378:8000:63bf:3fff:fdd2",
    })
    void theAddressApiIsNotImplementedYet(String method, String path) throws Exception {
        Http.assertNotImplementedYet(ADDRESS.send(method, path));
    }

    @Test
    void healthzNamesAddressService() throws Exception {
        assertEquals(Map.of("status", "ok", "service", "address-service"),
                Http.json(ADDRESS.send("GET", "/healthz")));
    }
}
