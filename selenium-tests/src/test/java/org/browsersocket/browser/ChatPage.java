package org.browsersocket.browser;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The chat demo's page in one browser, driven the way a person uses it. */
final class ChatPage {
    final Chromium browser;
    private final LocalStack stack;

    private ChatPage(Chromium browser, LocalStack stack) {
        this.browser = browser;
        this.stack = stack;
    }

    /** Opens the chat in {@code browser} and enters {@code name}. */
    static ChatPage open(Chromium browser, LocalStack stack, String name) {
        ChatPage page = new ChatPage(browser, stack);
        page.reopen(name);
        return page;
    }

    void reopen(String name) {
        browser.open(stack.url("/chat/"));
        WebElement field = element("name");
        field.clear();
        field.sendKeys(name);
    }

    WebElement element(String id) {
        return browser.driver().findElement(By.id(id));
    }

    /** Hosts a room and waits until it is open; returns its same-machine join URL. */
    String host() {
        element("host").click();
        awaitStatusStartingWith("Hosting");
        return element("room-url").getAttribute("value");
    }

    void joinByUrl(String roomUrl) {
        element("join-url").sendKeys(roomUrl);
        element("join").click();
    }

    void awaitJoined() {
        awaitStatusStartingWith("Joined");
    }

    void say(String text) {
        element("text").sendKeys(text, Keys.ENTER);
    }

    String status() {
        return element("status").getText();
    }

    void awaitStatusStartingWith(String prefix) {
        await(Chromium.WAIT, d -> status().startsWith(prefix) ? true : null);
    }

    /** The texts of the log's lines of one kind ({@code msg}, {@code notice}, {@code roster}). */
    List<String> lines(String cssClass) {
        return browser.driver().findElements(By.cssSelector("#log ." + cssClass)).stream().map(WebElement::getText).toList();
    }

    void awaitLine(String cssClass, String text) {
        awaitLine(cssClass, text, Chromium.WAIT);
    }

    void awaitLine(String cssClass, String text, Duration deadline) {
        await(deadline, d -> lines(cssClass).contains(text) ? true : null);
    }

    long count(String cssClass, String text) {
        return lines(cssClass).stream().filter(text::equals).count();
    }

    /** The lobby's row for the room titled {@code title}, if listed. */
    Optional<WebElement> lobbyRoom(String title) {
        return browser.driver().findElements(By.cssSelector("#lobby .room")).stream()
                .filter(r -> r.findElement(By.cssSelector(".room-name")).getText().equals(title)).findFirst();
    }

    WebElement awaitLobbyRoom(String title) {
        return await(Chromium.WAIT, d -> lobbyRoom(title).orElse(null));
    }

    void awaitLobbyWithout(String title, Duration deadline) {
        await(deadline, d -> lobbyRoom(title).isEmpty() ? true : null);
    }

    /** The Join button of a listed room, or empty when the row offers none. */
    static Optional<WebElement> joinButton(WebElement room) {
        return room.findElements(By.cssSelector(".join-room")).stream().findFirst();
    }

    <T> T await(Duration deadline, Function<WebDriver, T> condition) {
        // a lobby row may be redrawn between finding it and reading it
        return new WebDriverWait(browser.driver(), deadline, Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }
}
