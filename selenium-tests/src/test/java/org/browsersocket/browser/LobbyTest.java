package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Rooms advertised in the discovery service appear in other browsers' lobbies live, and can be joined. */
class LobbyTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();


    static void name(Chromium browser, String name) {
        browser.open(SETUP.stack().url("/chat/"));
        WebElement field = browser.driver().findElement(By.id("name"));
        field.clear();
        field.sendKeys(name);
    }

    @Test
    void aHostedRoomAppearsInAnotherBrowsersLobbyAndCanBeJoinedFromThere() throws Exception {
        try (Chromium alice = Chromium.start(); Chromium bob = Chromium.start()) {
            name(bob, "bob"); // bob is already watching the lobby when the room opens
            name(alice, "alice");
            alice.driver().findElement(By.id("host")).click();

            WebElement join = bob.await(d -> d.findElements(By.cssSelector("#lobby .room")).stream()
                    .filter(r -> r.getText().contains("alice's room")).findFirst()
                    .map(r -> r.findElement(By.cssSelector(".join-room"))).orElse(null));
            join.click();
            alice.await(d -> d.findElements(By.cssSelector("#log .notice")).stream()
                    .anyMatch(n -> n.getText().equals("bob joined")));
            bob.driver().findElement(By.id("text")).sendKeys("found you in the lobby", Keys.ENTER);
            alice.await(d -> d.findElements(By.cssSelector("#log .msg")).stream()
                    .anyMatch(n -> n.getText().equals("bob: found you in the lobby")));

            alice.open("about:blank"); // the host leaves: its advertisement is withdrawn
            bob.await(d -> d.findElements(By.cssSelector("#lobby .room")).isEmpty());
        }
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
