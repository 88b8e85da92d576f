package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The chat demo in independent Chromium sessions, as a newcomer would use it: one hosts a room,
 * others join with the URL it shows, and everyone sees messages, joins and leaves.
 */
class ChatDemoTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();


    static void enterName(Chromium browser, String name) {
        browser.open(SETUP.stack().url("/chat/"));
        WebElement field = browser.driver().findElement(By.id("name"));
        field.clear();
        field.sendKeys(name);
    }

    static String host(Chromium browser, String name) {
        enterName(browser, name);
        browser.driver().findElement(By.id("host")).click();
        browser.await(d -> d.findElement(By.id("status")).getText().startsWith("Hosting"));
        return browser.driver().findElement(By.id("room-url")).getAttribute("value");
    }

    static void join(Chromium browser, String name, String roomUrl) {
        enterName(browser, name);
        browser.driver().findElement(By.id("join-url")).sendKeys(roomUrl);
        browser.driver().findElement(By.id("join")).click();
    }

    static void say(Chromium browser, String text) {
        browser.driver().findElement(By.id("text")).sendKeys(text, Keys.ENTER);
    }

    static void awaitLine(Chromium browser, String cssClass, String text) {
        browser.await(d -> {
            List<String> lines = d.findElements(By.cssSelector("#log ." + cssClass)).stream().map(WebElement::getText).toList();
            return lines.contains(text) ? lines : null;
        });
    }

    @Test
    void twoBrowsersChatBothWaysAndAThirdJoinsAndLeaves() throws Exception {
        try (Chromium alice = Chromium.start(); Chromium bob = Chromium.start()) {
            String roomUrl = host(alice, "alice");
            assertTrue(roomUrl.matches("ws://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{22}/room"), roomUrl);

            join(bob, "bob", roomUrl);
            awaitLine(alice, "notice", "bob joined");
            awaitLine(bob, "notice", "bob joined");

            say(bob, "hi alice, bob here");
            awaitLine(alice, "msg", "bob: hi alice, bob here");
            awaitLine(bob, "msg", "bob: hi alice, bob here");
            say(alice, "hello bob");
            awaitLine(bob, "msg", "alice: hello bob");
            awaitLine(alice, "msg", "alice: hello bob");

            try (Chromium carol = Chromium.start()) {
                join(carol, "carol", roomUrl);
                awaitLine(alice, "notice", "carol joined");
                awaitLine(bob, "notice", "carol joined");
                say(carol, "<b>carol</b> says hi");
                awaitLine(alice, "msg", "carol: <b>carol</b> says hi");
                awaitLine(bob, "msg", "carol: <b>carol</b> says hi");
            } // carol's browser closes
            awaitLine(alice, "notice", "carol left");
            awaitLine(bob, "notice", "carol left");

            say(bob, "still here");
            awaitLine(alice, "msg", "bob: still here");
        }
    }

    @Test
    void joinLinkOpensTheChatWithTheRoomFilledIn() throws Exception {
        try (Chromium host = Chromium.start()) {
            String roomUrl = host(host, "hostess");
            String link = host.driver().findElement(By.id("room-link")).getAttribute("href");
            host.open(link);
            String prefilled = host.driver().findElement(By.id("join-url")).getAttribute("value");
            assertTrue(prefilled.equals(roomUrl), prefilled);
        }
    }
}
