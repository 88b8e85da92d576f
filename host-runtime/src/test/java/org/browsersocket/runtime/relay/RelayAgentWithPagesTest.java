package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.ReachabilityConfig;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.Await;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as the agent of a real page: a registrant runtime whose page (a {@link JavaPage})
 * answers HTTP over its control channel.
 */
class RelayAgentWithPagesTest {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @TempDir
    Path cacheDir;

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private RuntimeFixture start(RuntimeConfig config) throws Exception {
        RuntimeFixture fixture = RuntimeFixture.start(config);
        started.add(fixture);
        return fixture;
    }

    private CompletableFuture<HttpResponse<String>> get(RuntimeFixture relay, String target) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.runtime().publicPort()
                + target)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPagesAnswerIsStoredByItsRelayAndServedThereAfterThePageHasGone() throws Exception {
        RuntimeFixture relay = start(RuntimeConfig.ephemeral().withReach(ReachabilityConfig.none().withRelay(true, null)
                .withRelayCache(RelayCacheLimits.in(cacheDir))));
        RuntimeFixture home = start(RuntimeConfig.ephemeral(RuntimeFixture.ORIGIN).withReach(ReachabilityConfig.none()
                .withViaRelays(List.of(URI.create("ws://127.0.0.1:" + relay.runtime().publicPort())), null)));
        JavaPage page = home.page();
        String prefix = RuntimeFixture.path(page.listen());
        ThroughRelayTest.awaitRouted(home.runtime(), 1);

        var first = get(relay, prefix + "notes?all");
        ControlMessage.Request request = page.expect(ControlMessage.Request.class);
        assertTrue(request.resource().endsWith("/notes?all"), request.resource());
        page.respond(request.conn(), List.of(List.of("cache-control", "max-age=60"),
                List.of("content-type", "text/plain")), "the notes");
        assertEquals("the notes", first.get().body());
        HttpResponse<String> again = get(relay, prefix + "notes?all").get();
        assertEquals("the notes", again.body());
        assertTrue(again.headers().firstValue("Cache-Status").orElse("").contains("hit"), "served by the relay");

        page.closeBlocking(); // the tab closes: its listener, and its route, go
        Await.until("the relay no longer routes the page", () -> relay.runtime().reachabilityStatus().relayServed()
                .registrants().get(0).routes() == 0);
        assertEquals("the notes", get(relay, prefix + "notes?all").get().body(), "stored, served while the page is away");
        HttpResponse<String> other = get(relay, prefix + "elsewhere").get();
        assertEquals(503, other.statusCode());
        assertTrue(other.headers().firstValue("Retry-After").isPresent());
    }
}
