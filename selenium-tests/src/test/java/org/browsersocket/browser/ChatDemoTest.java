package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat demo in independent Chromium sessions, as a newcomer would use it: one hosts a room,
 * others join with the URL it shows, and everyone sees messages, joins and leaves.
 */
class ChatDemoTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();

    static ChatPage chat(Chromium browser, String name) {
        return ChatPage.open(browser, SETUP.stack(), name);
    }

    @Test
    void twoBrowsersChatBothWaysAndAThirdJoinsAndLeaves() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            ChatPage alice = chat(aliceBrowser, "alice");
            String roomUrl = alice.host();
            assertTrue(roomUrl.matches("ws://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{22}/room"), roomUrl);

            ChatPage bob = chat(bobBrowser, "bob");
            bob.joinByUrl(roomUrl);
            alice.awaitLine("notice", "bob joined");
            bob.awaitLine("notice", "bob joined");

            bob.say("hi alice, bob here");
            alice.awaitLine("msg", "bob: hi alice, bob here");
            bob.awaitLine("msg", "bob: hi alice, bob here");
            alice.say("hello bob");
            bob.awaitLine("msg", "alice: hello bob");
            alice.awaitLine("msg", "alice: hello bob");

            try (Chromium carolBrowser = Chromium.start()) {
                ChatPage carol = chat(carolBrowser, "carol");
                carol.joinByUrl(roomUrl);
                alice.awaitLine("notice", "carol joined");
                bob.awaitLine("notice", "carol joined");
                carol.awaitJoined();
                carol.say("<b>carol</b> says hi");
                alice.awaitLine("msg", "carol: <b>carol</b> says hi");
                bob.awaitLine("msg", "carol: <b>carol</b> says hi");
            } // carol's browser closes
            alice.awaitLine("notice", "carol left");
            bob.awaitLine("notice", "carol left");

            bob.say("still here");
            alice.awaitLine("msg", "bob: still here");
        }
    }

    @Test
    void joinLinkOpensTheChatWithTheRoomFilledIn() throws Exception {
        try (Chromium browser = Chromium.start()) {
            ChatPage host = chat(browser, "hostess");
            String roomUrl = host.host();
            String link = host.element("room-link").getAttribute("href");
            browser.open(link);
            String prefilled = host.element("join-url").getAttribute("value");
            assertEquals(roomUrl, prefilled);
        }
    }

    @Test
    void clickingJoinAgainWhileJoinedOpensNoSecondConnectionAndEveryMessageArrivesOnce() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            ChatPage alice = chat(aliceBrowser, "alice");
            String roomUrl = alice.host();
            ChatPage bob = chat(bobBrowser, "bob");
            bob.element("join-url").sendKeys(roomUrl);
            // a double click, both clicks in one go, before the page could redraw
            bob.browser.script("var join = document.getElementById('join'); join.click(); join.click();");
            bob.awaitJoined();
            bob.browser.script("document.getElementById('join').click();"); // and a third, once joined
            assertFalse(bob.element("join").isEnabled(), "Join is disabled while in a room");

            alice.say("one");
            bob.awaitLine("msg", "alice: one");
            bob.say("two");
            alice.awaitLine("msg", "bob: two");
            bob.awaitLine("msg", "bob: two");
            assertEquals(1, alice.count("notice", "bob joined"), String.valueOf(alice.lines("notice")));
            assertEquals(1, bob.count("notice", "bob joined"), String.valueOf(bob.lines("notice")));
            assertEquals(1, bob.count("msg", "alice: one"));
            assertEquals(1, alice.count("msg", "bob: two"));
            assertEquals(1, bob.count("msg", "bob: two"));
        }
    }

    @Test
    void aGuestThatNavigatesAwayIsShownAsLeftToTheHostWithinTwoSeconds() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            Room room = aliceHostsAndBobJoins(aliceBrowser, bobBrowser);
            ChatPage alice = room.alice();
            ChatPage bob = room.bob();

            bobBrowser.open(SETUP.stack().url("/")); // a same-site page: eligible for the back/forward cache
            alice.awaitLine("notice", "bob left", Duration.ofSeconds(2));
        }
    }

    @Test
    void aGuestComingBackThroughTheBackButtonIsShownAsHavingLeftAndCanJoinAgain() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            Room room = aliceHostsAndBobJoins(aliceBrowser, bobBrowser);
            ChatPage alice = room.alice();
            ChatPage bob = room.bob();

            bobBrowser.open(SETUP.stack().url("/"));
            alice.awaitLine("notice", "bob left");
            bobBrowser.driver().navigate().back();
            bob.awaitStatusStartingWith("You left the room");
            bob.element("join").click();
            alice.await(Chromium.WAIT, d -> alice.count("notice", "bob joined") == 2 ? true : null);
            bob.say("back again");
            alice.awaitLine("msg", "bob: back again");
        }
    }

    @Test
    void aGuestWhoClicksLeaveIsShownAsLeftToTheHostAndCanNoLongerSend() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            Room room = aliceHostsAndBobJoins(aliceBrowser, bobBrowser);
            ChatPage alice = room.alice();
            ChatPage bob = room.bob();
            bob.awaitJoined();
            assertFalse(bob.element("stop-hosting").isDisplayed(), "a guest has nothing to stop hosting");

            bob.element("leave").click();
            alice.awaitLine("notice", "bob left");
            bob.awaitLine("notice", "You left the room.");
            assertFalse(bob.element("text").isEnabled(), "the message box is disabled outside a room");
            assertTrue(bob.element("join").isEnabled(), "Join is offered again");
        }
    }

    @Test
    void aHostWhoStopsHostingClosesTheRoomForItsGuests() throws Exception {
        try (Chromium aliceBrowser = Chromium.start(); Chromium bobBrowser = Chromium.start()) {
            Room room = aliceHostsAndBobJoins(aliceBrowser, bobBrowser);
            ChatPage alice = room.alice();
            ChatPage bob = room.bob();
            assertFalse(alice.element("leave").isDisplayed(), "a host stops hosting rather than leaves");

            alice.element("stop-hosting").click();
            bob.awaitLine("notice", "The room was closed.");
            bob.awaitStatusStartingWith("The host closed");
            assertTrue(alice.element("host").isEnabled(), "the host may open a new room");
            alice.awaitLobbyWithout("alice's room", Chromium.WAIT); // the host's own lobby no longer lists it
        }
    }

    /** Alice's and Bob's chat pages, once Alice hosts a room and has seen Bob join it by its URL. */
    record Room(ChatPage alice, ChatPage bob) {}

    Room aliceHostsAndBobJoins(Chromium aliceBrowser, Chromium bobBrowser) {
        ChatPage alice = chat(aliceBrowser, "alice");
        String roomUrl = alice.host();
        ChatPage bob = chat(bobBrowser, "bob");
        bob.joinByUrl(roomUrl);
        alice.awaitLine("notice", "bob joined");
        return new Room(alice, bob);
    }
}
