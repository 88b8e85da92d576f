package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;

/**
 * The chat at 1280×900, before and after joining: the message box is in view without scrolling,
 * and no empty chat panel takes the screen before there is anything to show. Screenshots of each
 * state are kept in target/screenshots for a person to look at.
 */
class ChatLayoutTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** A browser whose pages are 1280×900 CSS pixels (a headless window's size includes no viewport of its own). */
    static Chromium window() throws Exception {
        Chromium browser = Chromium.start();
        browser.cdp("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        return browser;
    }

    @Test
    void theMessageBoxIsInViewBeforeAndAfterJoiningAndNoEmptyLogIsShownBefore() throws Exception {
        try (Chromium aliceBrowser = window(); Chromium bobBrowser = window()) {
            ChatPage alice = ChatPage.open(aliceBrowser, SETUP.stack(), "alice");
            ChatPage bob = ChatPage.open(bobBrowser, SETUP.stack(), "bob");
            assertEquals(900L, ((Number) aliceBrowser.script("return window.innerHeight;")).longValue(), "the window's viewport");
            assertMessageBoxInView(alice);
            assertEquals(0L, logHeight(alice), "no chat log before joining");
            screenshot(alice, "chat-host-before");

            alice.host();
            bob.awaitLobbyRoom("alice's room");
            assertMessageBoxInView(bob);
            screenshot(bob, "chat-guest-before");

            ChatPage.joinButton(bob.awaitLobbyRoom("alice's room")).orElseThrow().click();
            alice.awaitLine("notice", "bob joined");
            bob.awaitJoined();
            bob.say("hello from the lobby");
            alice.awaitLine("msg", "bob: hello from the lobby");
            bob.awaitLine("msg", "bob: hello from the lobby");
            alice.say("welcome, bob");
            bob.awaitLine("msg", "alice: welcome, bob");
            assertMessageBoxInView(alice);
            assertMessageBoxInView(bob);
            screenshot(alice, "chat-host-after");
            screenshot(bob, "chat-guest-after");
        }
    }

    static void assertMessageBoxInView(ChatPage page) {
        Map<String, Object> box = page.browser.script("var r = document.getElementById('text').getBoundingClientRect();"
                + "return {top: r.top, bottom: r.bottom, height: window.innerHeight, scrolled: window.scrollY};");
        double bottom = ((Number) box.get("bottom")).doubleValue();
        double height = ((Number) box.get("height")).doubleValue();
        assertTrue(((Number) box.get("scrolled")).doubleValue() == 0 && bottom <= height && bottom > 0,
                "the message box is in view without scrolling: " + box);
    }

    static long logHeight(ChatPage page) {
        return ((Number) page.browser.script("return document.getElementById('log').getBoundingClientRect().height;")).longValue();
    }

    static void screenshot(ChatPage page, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) page.browser.driver()).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }
}
