package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.browsersocket.discovery.store.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two service instances on one real Redis see each other's puts and removals. */
class SharedRedisTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    static HttpResponse<String> post(DiscoveryServer server, String path, String json) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode values(DiscoveryServer server, String name) throws Exception {
        return new ObjectMapper().readTree(CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/values/" + name)).build(), HttpResponse.BodyHandlers.ofString()).body()).get("values");
    }

    @Test
    void instancesSharingOneRedisSeeEachOthersPutsAndRemovals(@TempDir Path logs) throws Exception {
        try (RedisServer redis = RedisServer.start(logs)) {
            DiscoveryServer a = new DiscoveryServer(0, redis.location());
            DiscoveryServer b = new DiscoveryServer(0, redis.location());
            a.start();
            b.start();
            try {
                assertEquals(200, post(a, "/v1/values/shared", "{\"value\":\"from a\",\"ttl\":600,\"secret\":\"s\"}").statusCode());
                assertEquals("from a", values(b, "shared").get(0).get("value").asText());
                assertEquals(200, post(b, "/v1/values/shared/remove", "{\"value\":\"from a\",\"secret\":\"s\"}").statusCode());
                assertEquals(0, values(a, "shared").size());
            } finally {
                a.stop();
                b.stop();
            }
        }
    }
}
