package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The notes demo: one tab serves notes over HTTP; a second browser with no BrowserSocket script reads and posts. */
class NotesDemoTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    @Test
    void aPlainBrowserReadsAndPostsNotesServedByATab() throws Exception {
        Chromium host = SETUP.chromium();
        host.open(SETUP.stack().url("/notes/"));
        String address = host.await(d -> {
            List<WebElement> links = d.findElements(By.cssSelector("#addresses a"));
            return links.isEmpty() ? null : links.get(0).getAttribute("href");
        });
        assertTrue(address.matches("http://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{22}/"), address);
        host.driver().findElement(By.id("text")).sendKeys("written by the host");
        host.driver().findElement(By.cssSelector("#add button")).click();

        try (Chromium reader = Chromium.start()) {
            reader.open(address);
            assertEquals("Notes", reader.driver().getTitle());
            assertTrue(reader.driver().findElement(By.id("notes")).getText().contains("written by the host"));
            reader.driver().findElement(By.name("author")).sendKeys("reader");
            reader.driver().findElement(By.name("text")).sendKeys("hello <b>tab</b>");
            reader.driver().findElement(By.cssSelector("button[type=submit]")).click();
            reader.await(d -> d.findElement(By.id("notes")).getText().contains("hello <b>tab</b>"));
            assertTrue(reader.driver().findElements(By.tagName("b")).stream().noneMatch(b -> b.getText().equals("tab")),
                    "what readers write is shown as text, never as markup");
        }
        host.await(d -> d.findElement(By.id("notes")).getText().contains("hello <b>tab</b>"));
        // The next visit of the host page serves the same notes at the same address.
        host.driver().navigate().refresh();
        String again = host.await(d -> {
            List<WebElement> links = d.findElements(By.cssSelector("#addresses a"));
            return links.isEmpty() ? null : links.get(0).getAttribute("href");
        });
        assertEquals(address, again, "a named listener keeps its address across visits");
        assertTrue(host.driver().findElement(By.id("notes")).getText().contains("reader"));
    }
}
