package org.browsersocket.runtime.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent instead of a flag: a site not yet allowed waits for the user's answer on the status page;
 * answers persist in the configuration directory; only the status page itself may give them.
 */
class ConsentTest {
    static final String APP = "https://app.example";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path configDir;
    private HostRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private HostRuntime start(RuntimeConfig config) throws Exception {
        runtime = HostRuntime.start(config);
        return runtime;
    }

    private HostRuntime start() throws Exception {
        return start(RuntimeConfig.ephemeral().withConfigDir(configDir));
    }

    /** A page of {@code origin} that said hello and asked for listener 0. */
    private JavaPage pageAskingToListen(String origin) throws Exception {
        JavaPage page = JavaPage.open(runtime.controlUrl(), origin);
        page.send(new ControlMessage.Hello(page.token()));
        page.expect(ControlMessage.Welcome.class);
        page.send(new ControlMessage.Listen(0));
        return page;
    }

    /** The token the status page carries, read as the status page's own script reads it. */
    private String actionToken() throws Exception {
        String html = http.send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("name=\"browsersocket-action-token\" content=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "the status page carries its action token");
        return m.group(1);
    }

    private HttpResponse<String> act(String origin, String decision, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/consent"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"origin\":\"" + origin + "\",\"decision\":\"" + decision + "\"}"));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An action as the status page sends it: its own origin, same-origin fetch, its token, JSON. */
    private HttpResponse<String> actAsStatusPage(String origin, String decision) throws Exception {
        return act(origin, decision, Map.of("Origin", runtime.controlUrl(), "Sec-Fetch-Site", "same-origin",
                "X-BrowserSocket-Token", actionToken(), "Content-Type", "application/json"));
    }

    private String consentState() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/consent.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aSiteNotYetAllowedWaitsAndListensOnceTheUserAllowsIt() throws Exception {
        start();
        JavaPage page = pageAskingToListen(APP);
        ControlMessage.Pending pending = page.expect(ControlMessage.Pending.class);
        assertTrue(pending.reason().contains(APP + " is waiting for the user"), pending.reason());
        assertEquals(runtime.controlUrl() + "/", pending.consentUrl());
        assertTrue(consentState().contains("\"origin\":\"" + APP + "\""), consentState());

        assertEquals(200, actAsStatusPage(APP, "allow").statusCode());
        page.expect(ControlMessage.Listening.class);
        assertTrue(Files.readString(configDir.resolve("consent.json")).contains(APP));
        assertFalse(consentState().contains("\"pending\":[{"), consentState());
    }

    @Test
    void aDeniedSiteIsToldSoAndItsNextPagesAreRefusedAtOnce() throws Exception {
        start();
        JavaPage page = pageAskingToListen(APP);
        page.expect(ControlMessage.Pending.class);
        actAsStatusPage(APP, "deny");
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertEquals(0, error.listener());
        assertTrue(error.reason().contains("the user denied " + APP), error.reason());

        JavaPage next = JavaPage.open(runtime.controlUrl(), APP);
        ControlMessage.Error refused = next.expect(ControlMessage.Error.class);
        assertTrue(refused.fatal());
        assertTrue(refused.reason().contains("revoke that decision at " + runtime.controlUrl()), refused.reason());
        assertEquals(1008, next.closedFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void allowOnceLetsTheWaitingPageListenButTheNextPageIsAskedAgain() throws Exception {
        start();
        JavaPage page = pageAskingToListen(APP);
        page.expect(ControlMessage.Pending.class);
        actAsStatusPage(APP, "once");
        page.expect(ControlMessage.Listening.class);
        assertFalse(Files.exists(configDir.resolve("consent.json")) && Files.readString(configDir.resolve("consent.json")).contains(APP));
        pageAskingToListen(APP).expect(ControlMessage.Pending.class);
    }

    @Test
    void decisionsOutliveTheRuntime() throws Exception {
        start();
        JavaPage page = pageAskingToListen(APP);
        page.expect(ControlMessage.Pending.class);
        actAsStatusPage(APP, "allow");
        page.expect(ControlMessage.Listening.class);
        runtime.close();

        start();
        pageAskingToListen(APP).expect(ControlMessage.Listening.class);
    }

    @Test
    void revokingASiteClosesItsListenersAndTheirPeers() throws Exception {
        start();
        JavaPage page = pageAskingToListen(APP).echoing();
        page.expect(ControlMessage.Pending.class);
        actAsStatusPage(APP, "allow");
        ControlMessage.Listening listening = page.expect(ControlMessage.Listening.class);
        JavaPeer peer = new JavaPeer("ws://127.0.0.1:" + listening.port() + listening.prefix() + "x", Map.of());
        peer.connect();
        peer.awaitOpen();

        HttpResponse<String> revoked = actAsStatusPage(APP, "revoke");
        assertEquals(200, revoked.statusCode());
        assertTrue(revoked.body().contains("\"pagesClosed\":1"), revoked.body());
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertTrue(error.reason().contains("the user revoked " + APP), error.reason());
        assertEquals(1008, peer.awaitClose().code());
        assertFalse(Files.readString(configDir.resolve("consent.json")).contains(APP));
        peer.closeBlocking();
    }

    @Test
    void statusPageActionsFromAnywhereElseAreRefused() throws Exception {
        start();
        String token = actionToken();
        String self = runtime.controlUrl();
        Map<String, Map<String, String>> attempts = Map.of(
                "no token", Map.of("Origin", self, "Content-Type", "application/json"),
                "wrong token", Map.of("Origin", self, "X-BrowserSocket-Token", token + "x", "Content-Type", "application/json"),
                "another site", Map.of("Origin", "https://evil.example", "X-BrowserSocket-Token", token, "Content-Type", "application/json"),
                "no origin", Map.of("X-BrowserSocket-Token", token, "Content-Type", "application/json"),
                "cross-site fetch", Map.of("Origin", self, "Sec-Fetch-Site", "cross-site", "X-BrowserSocket-Token", token,
                        "Content-Type", "application/json"));
        for (var attempt : attempts.entrySet()) {
            HttpResponse<String> answer = act(APP, "allow", attempt.getValue());
            assertEquals(403, answer.statusCode(), attempt.getKey());
            assertTrue(answer.body().contains("only from this runtime's status page") || answer.body().toLowerCase().contains("token"),
                    attempt.getKey() + ": " + answer.body());
        }
        assertEquals(415, act(APP, "allow", Map.of("Origin", self, "X-BrowserSocket-Token", token,
                "Content-Type", "text/plain")).statusCode());
        assertEquals(400, actAsStatusPage(APP, "maybe").statusCode());
        assertEquals(400, actAsStatusPage("javascript:alert(1)", "allow").statusCode());
        assertFalse(Files.exists(configDir.resolve("consent.json")), "nothing was recorded");
    }

    @Test
    void aPageFloodingTheConsentQueueIsCappedAndOthersStillGetAsked() throws Exception {
        start();
        for (int i = 0; i < ConsentDesk.MAX_PAGES_PER_ORIGIN; i++) {
            pageAskingToListen(APP).expect(ControlMessage.Pending.class);
        }
        ControlMessage.Error refused = pageAskingToListen(APP).expect(ControlMessage.Error.class);
        assertTrue(refused.reason().contains("too many pages of " + APP), refused.reason());
        pageAskingToListen("https://other.example").expect(ControlMessage.Pending.class);
        assertEquals(200, actAsStatusPage(APP, "allow").statusCode());
    }

    @Test
    void aPageNobodyAnswersForIsRefusedAfterTheTimeout() throws Exception {
        start(RuntimeConfig.ephemeral().withConfigDir(configDir).withConsentTimeout(Duration.ofMillis(300)));
        JavaPage page = pageAskingToListen(APP);
        page.expect(ControlMessage.Pending.class);
        ControlMessage.Error error = page.expect(ControlMessage.Error.class);
        assertTrue(error.reason().contains("nobody allowed " + APP), error.reason());
        assertFalse(consentState().contains("\"pending\":[{"), consentState());
    }

    @Test
    void originsAllowedByFlagNeedNoAnswerAndAreNotWrittenDown() throws Exception {
        start(RuntimeConfig.ephemeral(APP).withConfigDir(configDir));
        pageAskingToListen(APP).expect(ControlMessage.Listening.class);
        assertFalse(Files.exists(configDir.resolve("consent.json")));
    }

    @Test
    void aGrantForTheSitesOwnCopyOfTheLibraryIsReadableCrossOrigin() throws Exception {
        start();
        HttpResponse<String> grant = http.send(HttpRequest.newBuilder(URI.create(runtime.controlUrl() + "/grant"))
                .header("Origin", APP).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, grant.statusCode());
        assertEquals(APP, grant.headers().firstValue("access-control-allow-origin").orElse(""));
        assertTrue(grant.body().contains("\"token\":") && grant.body().contains("\"prefixes\":["), grant.body());
        assertEquals("no-store", grant.headers().firstValue("cache-control").orElse(""));
    }
}
