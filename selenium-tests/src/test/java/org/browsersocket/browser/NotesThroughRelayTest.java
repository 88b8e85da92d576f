package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The notes demo through a relay that acts as the tab's agent: a plain browser reads and posts
 * through the relay; with the tab closed the relay still serves the notes it was handed, and
 * declines what it never had; reopened, the tab's new notes appear there.
 */
class NotesThroughRelayTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withRelayAndChromium();

    private final HttpClient http = HttpClient.newHttpClient();

    /** Opens the notes demo in the host browser; returns its address on the relay once the relay keeps a copy. */
    private String hostNotes() {
        Chromium host = SETUP.chromium();
        host.open(SETUP.stack().url("/notes/"));
        String viaRelay = host.await(d -> {
            List<WebElement> links = d.findElements(By.cssSelector("#addresses a"));
            return links.size() < 2 ? null : links.get(1).getAttribute("href");
        });
        assertTrue(viaRelay.startsWith("http://127.0.0.1:" + SETUP.stack().relay().publicPort() + "/"),
                "the page lists its address on the relay: " + viaRelay);
        host.await(d -> d.findElement(By.id("agents")).getText().startsWith("Kept by 1 relay"));
        return viaRelay;
    }

    private static boolean showsNote(WebDriver d, String text) {
        List<WebElement> notes = d.findElements(By.id("notes"));
        return !notes.isEmpty() && notes.get(0).getText().contains(text);
    }

    @Test
    void theRelayServesTheNotesWhileTheTabIsClosedAndNewNotesAppearOnceItIsBack() throws Exception {
        Chromium host = SETUP.chromium();
        String viaRelay = hostNotes();
        try (Chromium reader = Chromium.start()) {
            reader.open(viaRelay);
            assertEquals("Notes", reader.driver().getTitle());
            reader.driver().findElement(By.name("author")).sendKeys("reader");
            reader.driver().findElement(By.name("text")).sendKeys("posted through the relay");
            reader.driver().findElement(By.cssSelector("button[type=submit]")).click();
            reader.await(d -> showsNote(d, "posted through the relay"));
            host.await(d -> showsNote(d, "posted through the relay"));
            host.await(d -> d.findElement(By.id("agents")).getText().startsWith("Kept by 1 relay"));

            host.open("about:blank"); // the tab leaves: its listener closes
            SETUP.chromium().await(d -> SETUP.stack().relay().reachabilityStatus().relayServed().registrants().stream()
                    .allMatch(r -> r.routes() == 0)); // the relay no longer routes the tab
            HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(viaRelay)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode());
            assertTrue(served.body().contains("posted through the relay"), "the relay serves the copy it was handed");
            assertTrue(served.headers().firstValue("age").isPresent(), "with its Age");
            reader.driver().navigate().refresh();
            reader.await(d -> showsNote(d, "posted through the relay"));

            HttpResponse<String> never = http.send(HttpRequest.newBuilder(URI.create(viaRelay + "never-served")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, never.statusCode(), "what the relay never had is declined while the tab is away");
            assertTrue(never.headers().firstValue("retry-after").isPresent());

            hostNotes(); // the tab is back, at the same address
            host.driver().findElement(By.id("text")).sendKeys("after the tab came back");
            host.driver().findElement(By.cssSelector("#add button")).click();
            reader.await(d -> {
                d.navigate().refresh();
                return showsNote(d, "after the tab came back");
            });
        }
    }
}
