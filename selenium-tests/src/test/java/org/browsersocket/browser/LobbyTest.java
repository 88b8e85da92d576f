package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/** Rooms advertised in the discovery service appear in other browsers' lobbies live, and can be joined. */
class LobbyTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();


    static ChatPage chat(Chromium browser, String name) {
        return ChatPage.open(browser, SETUP.stack(), name);
    }

    @Test
    void aHostedRoomAppearsInAnotherBrowsersLobbyAndCanBeJoinedFromThere() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            ChatPage bob = chat(bobBrowser, "bob"); // bob is already watching the lobby when the room opens
            ChatPage alice = chat(aliceBrowser, "alice");
            alice.element("host").click();

            WebElement room = bob.awaitLobbyRoom("alice's room");
            ChatPage.joinButton(room).orElseThrow().click();
            alice.awaitLine("notice", "bob joined");
            bob.awaitJoined();
            bob.say("found you in the lobby");
            alice.awaitLine("msg", "bob: found you in the lobby");

            aliceBrowser.open("about:blank"); // the host leaves: its advertisement is withdrawn
            bob.awaitLobbyWithout("alice's room", Chromium.WAIT);
        }
    }

    @Test
    void whileJoinedTheRoomIsMarkedAsHereAndNoRoomCanBeJoinedAgain() throws Exception {
        try (Chromium ameliaBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            ChatPage amelia = chat(ameliaBrowser, "amelia");
            amelia.host();
            ChatPage bob = chat(bobBrowser, "bob");
            WebElement join = ChatPage.joinButton(bob.awaitLobbyRoom("amelia's room")).orElseThrow();
            bob.browser.script("arguments[0].click(); arguments[0].click();", join); // a double click
            bob.awaitJoined();

            WebElement room = bob.awaitLobbyRoom("amelia's room");
            assertTrue(ChatPage.joinButton(room).isEmpty(), "no Join for the room bob is in");
            assertTrue(room.getText().contains("you are here"), room.getText());
            amelia.say("hello once");
            bob.awaitLine("msg", "amelia: hello once");
            assertEquals(1, amelia.count("notice", "bob joined"), String.valueOf(amelia.lines("notice")));
            assertEquals(1, bob.count("msg", "amelia: hello once"));
        }
    }

    @Test
    void theHostSeesItsOwnRoomAsYourRoomWithNoJoinButton() throws Exception {
        try (Chromium adaBrowser = Chromium.start()) {
            ChatPage ada = chat(adaBrowser, "ada");
            ada.host();
            WebElement room = ada.awaitLobbyRoom("ada's room");
            assertTrue(room.getText().contains("your room"), room.getText());
            assertTrue(ChatPage.joinButton(room).isEmpty(), "the host cannot join its own room");
        }
    }

    @Test
    void theRoomIsAdvertisedWithItsSameMachineUrlLastAndNoLoopbackAddressIsCalledReachable() throws Exception {
        try (Chromium bettyBrowser = Chromium.start()) {
            ChatPage betty = chat(bettyBrowser, "betty");
            String roomUrl = betty.host();
            betty.awaitLobbyRoom("betty's room");
            betty.await(Chromium.WAIT, d -> betty.element("reachable-box").isDisplayed() ? true : null);
            String reachable = betty.element("reachable").getText();
            assertTrue(!reachable.contains("127.0.0.1") && !reachable.contains("[::1]"), reachable);

            HttpResponse<String> lobby = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + SETUP.stack().discoveryService().port() + "/v1/values/browsersocket-chat-lobby")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ObjectMapper json = new ObjectMapper();
            JsonNode ad = null;
            for (JsonNode value : json.readTree(lobby.body()).get("values")) {
                JsonNode candidate = json.readTree(value.get("value").asText());
                if ("betty's room".equals(candidate.path("room").asText())) {
                    ad = candidate;
                }
            }
            assertTrue(ad != null, lobby.body());
            JsonNode candidates = ad.get("candidates");
            JsonNode last = candidates.get(candidates.size() - 1);
            assertEquals(roomUrl, last.get("url").asText());
            assertEquals("same-machine", last.get("kind").asText());
        }
    }

    @Test
    void aRoomWhoseHostsBrowserDiedLeavesTheLobbyWithinTenSeconds() throws Exception {
        try (Chromium bobBrowser = Chromium.start()) {
            ChatPage bob = chat(bobBrowser, "bob");
            Chromium agathaBrowser = Chromium.start();
            try {
                chat(agathaBrowser, "agatha").host();
                bob.awaitLobbyRoom("agatha's room");
                crash(agathaBrowser); // no page event runs: only the entry's TTL can take the room away
                bob.awaitLobbyWithout("agatha's room", Duration.ofSeconds(10));
            } finally {
                agathaBrowser.close();
            }
        }
    }

    @Test
    void joiningARoomWhoseHostIsGoneSaysWhyAndDropsItFromTheList() throws Exception {
        try (Chromium bobBrowser = Chromium.start()) {
            ChatPage bob = chat(bobBrowser, "bob");
            // an entry whose host is gone: nothing listens at its address any more
            String ad = "{\"id\":\"gone0001\",\"room\":\"ghost's room\",\"host\":\"ghost\","
                    + "\"candidates\":[{\"url\":\"ws://127.0.0.1:9/AAAAAAAAAAAAAAAAAAAAAA/room\",\"kind\":\"same-machine\"}]}";
            advertise("browsersocket-chat-lobby", ad, 60);
            ChatPage.joinButton(bob.awaitLobbyRoom("ghost's room")).orElseThrow().click();
            bob.awaitStatusStartingWith("Could not join ghost's room");
            assertTrue(bob.status().contains("removed from the list"), bob.status());
            assertTrue(bob.lobbyRoom("ghost's room").isEmpty(), "the room is no longer listed");
            assertTrue(bob.element("join").isEnabled(), "bob may join another room");
        }
    }

    /** Kills the browser's processes (they share its profile directory), as a crash would. */
    static void crash(Chromium browser) {
        String marker = "--user-data-dir=" + browser.profile();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    static void advertise(String name, String value, int ttlSeconds) throws Exception {
        String body = "{\"value\":" + new ObjectMapper().writeValueAsString(value)
                + ",\"ttl\":" + ttlSeconds + "}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + SETUP.stack().discoveryService().port() + "/v1/values/" + name))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void aPageSignsAValueWithWebCryptoAndAnyoneReadsItByPrincipal() throws Exception {
        try (Chromium browser = Chromium.start()) {
            browser.open(SETUP.stack().url("/tests/lab.html"));
            Map<String, Object> result = browser.asyncScript("var done = arguments[arguments.length - 1];"
                    + "var d = new BrowserSocketDiscovery(BrowserSocketDemo.discoveryService);"
                    + "BrowserSocketDiscovery.generateKey().then(function (key) {"
                    + "  return d.putSigned(key, 'my-room', 'ws://198.51.100.7:7041/xyz/', 1)"
                    + "    .then(function () { return d.putSigned(key, 'my-room', 'ws://198.51.100.7:7041/moved/', 2); })"
                    + "    .then(function (stored) { return BrowserSocketDiscovery.principalOf(key).then(function (p) {"
                    + "      return d.getSigned(p.slice(0, 16), 'my-room').then(function (v) {"
                    + "        return d.putSigned(key, 'my-room', 'rollback', 1).then(function () { return 'accepted'; }, function (e) { return e.message; })"
                    + "          .then(function (rollback) { done({principal: p, stored: stored.principal, value: v, rollback: rollback}); });"
                    + "      }); }); });"
                    + "}).catch(function (e) { done({error: String(e)}); });");
            assertEquals(null, result.get("error"), String.valueOf(result));
            assertEquals(result.get("principal"), result.get("stored"), "the service computes the same principal as WebCrypto");
            assertEquals("ws://198.51.100.7:7041/moved/", result.get("value"));
            assertEquals(true, String.valueOf(result.get("rollback")).contains("not higher"), String.valueOf(result));
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + SETUP.stack().discoveryService().port() + "/value/" + result.get("principal") + "/my-room")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("ws://198.51.100.7:7041/moved/", plain.body());
        }
    }
}
