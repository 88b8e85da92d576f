package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * A page on one origin ({@code http://localhost:P}) asks the address service on another
 * ({@code http://127.0.0.1:Q}, {@code http://[::1]:Q}) from JavaScript, thanks to CORS.
 */
class AddressFromJavaScriptTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();


    String answer(String family, String key) {
        return SETUP.chromium().await(d -> {
            var found = d.findElements(By.cssSelector("#" + family + " dd[data-key='" + key + "']"));
            return found.isEmpty() ? null : found.get(0).getText();
        });
    }

    @Test
    void addressDemoPageShowsTheAnswersOverIpv4AndIpv6FromAnotherOrigin() {
        SETUP.chromium().open(SETUP.stack().url("/address/"));
        assertEquals("127.0.0.1", answer("ipv4", "ip"));
        assertEquals("4", answer("ipv4", "version"));
        assertEquals("::1", answer("ipv6", "ip"));
        assertEquals("6", answer("ipv6", "version"));
    }

    @Test
    void addressDemoPageDecodesATeredoAddress() {
        SETUP.chromium().open(SETUP.stack().url("/address/"));
        SETUP.chromium().driver().findElement(By.id("decode")).click();
        String client = SETUP.chromium().await(d -> {
            var found = d.findElements(By.cssSelector("#teredo-answer dd[data-key='client']"));
            return found.isEmpty() ? null : found.get(0).getText();
        });
        assertEquals("192.0.2.45", client);
    }

    @Test
    void reachableUrlsTagsEachAddressWithItsFamilyAndPeersConnectThroughThem() throws Exception {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("openListener('reach', {echo: true})");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return listeners.reach.readyState === BrowserSocket.OPEN"));
        List<Map<String, Object>> urls = SETUP.chromium().asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "listeners.reach.reachableUrls(BrowserSocketDemo.addressServices).then(done, e => done([{error: e.message}]));");
        assertEquals(2, urls.size(), urls.toString());
        String prefix = SETUP.chromium().script("return listeners.reach.resourcePrefix");
        int port = SETUP.stack().runtime().publicPort();
        assertEquals("ws://127.0.0.1:" + port + prefix, urls.get(0).get("url"));
        assertEquals(4L, urls.get(0).get("family"));
        assertNull(urls.get(0).get("teredo"));
        assertEquals("ws://[::1]:" + port + prefix, urls.get(1).get("url"));
        assertEquals(6L, urls.get(1).get("family"));
        for (Map<String, Object> url : urls) {
            JavaPeer peer = new JavaPeer(url.get("url") + "via-address-service");
            peer.connect();
            peer.awaitOpen();
            peer.send("reached over IPv" + url.get("family"));
            assertEquals("reached over IPv" + url.get("family"), peer.nextText());
            peer.closeBlocking();
        }
    }

    @Test
    void reachableUrlsRejectsWithTheReasonWhenNoServiceAnswers() {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("openListener('lonely', {})");
        String message = SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "listeners.lonely.reachableUrls({ipv4: 'http://127.0.0.1:1'}).then(() => done('resolved'), e => done(e.message));");
        assertTrue(message.startsWith("no address service answered"), message);
    }

    @Test
    void chatDemoShowsTheHostedRoomsReachableUrls() {
        SETUP.chromium().open(SETUP.stack().url("/chat/"));
        SETUP.chromium().driver().findElement(By.id("host")).click();
        List<String> shown = SETUP.chromium().await(d -> {
            var items = d.findElements(By.cssSelector("#reachable li"));
            return items.size() == 2 ? items.stream().map(e -> e.getText()).toList() : null;
        });
        assertTrue(shown.get(0).startsWith("ws://127.0.0.1:") && shown.get(0).endsWith("(IPv4)"), shown.toString());
        assertTrue(shown.get(1).startsWith("ws://[::1]:") && shown.get(1).contains("(IPv6)"), shown.toString());
    }
}
