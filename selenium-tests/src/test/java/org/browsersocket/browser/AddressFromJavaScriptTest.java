package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
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
    void reachableUrlsLeavesOutTheAddressServicesLoopbackAnswersAndSaysWhy() {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("openListener('reach', {echo: true})");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return listeners.reach.readyState === BrowserSocket.OPEN"));
        Map<String, Object> answer = SETUP.chromium().asyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "listeners.reach.reachableUrls(BrowserSocketDemo.addressServices)"
                        + ".then(urls => done({urls: urls, errors: urls.errors}), e => done({rejected: e.message}));");
        // The services here answer 127.0.0.1 and ::1: other machines cannot use those.
        String said = String.valueOf(answer.containsKey("rejected") ? answer.get("rejected") : answer.get("errors"));
        assertTrue(said.contains("127.0.0.1") && said.contains("::1"), said);
        if (answer.get("urls") instanceof List<?> urls) {
            for (Object url : urls) {
                String text = String.valueOf(((Map<?, ?>) url).get("url"));
                assertTrue(!text.contains("127.0.0.1") && !text.contains("[::1]"), "no loopback URL: " + urls);
            }
        }
    }

    @Test
    void reachableUrlsNamesAnAddressServiceThatDoesNotAnswer() {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("openListener('lonely', {})");
        String said = SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "listeners.lonely.reachableUrls({ipv4: 'http://127.0.0.1:1'})"
                + ".then(urls => done(urls.errors.join('; ')), e => done(e.message));");
        assertTrue(said.contains("http://127.0.0.1:1"), said);
    }
}
