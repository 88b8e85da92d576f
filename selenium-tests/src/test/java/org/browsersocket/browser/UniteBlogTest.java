package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The blog example of Opera's Unite primer, unmodified, hosted by a page through {@code unite.js};
 * a second Chromium that loads no BrowserSocket script reads it, adds an entry and reads that.
 */
class UniteBlogTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    @Test
    void thePrimersBlogRunsUnmodifiedAndAPlainBrowserReadsAndPostsToIt() throws Exception {
        Chromium host = SETUP.chromium();
        host.open(SETUP.stack().url("/unite-blog/"));
        host.await(d -> host.<Boolean>script("return !!(window.opera && opera.io.webserver && opera.io.webserver.browserSocket"
                + " && opera.io.webserver.browserSocket.readyState === BrowserSocket.OPEN)"));
        String servicePath = host.script("return opera.io.webserver.currentServicePath");
        long port = host.script("return opera.io.webserver.port");
        assertTrue(servicePath.matches("/[A-Za-z0-9_-]{22}/"), servicePath);
        String blog = "http://127.0.0.1:" + port + servicePath;

        try (Chromium reader = Chromium.start()) {
            reader.open(blog);
            assertEquals("Entries", reader.driver().getTitle());
            assertTrue(reader.driver().findElements(By.cssSelector("li")).isEmpty(), "no entries yet");
            reader.driver().findElement(By.linkText("Add en entry")).click(); // the primer's own words
            reader.await(d -> "Add entry".equals(d.getTitle()));
            reader.driver().findElement(By.id("namefield")).sendKeys("Hello from a plain browser");
            reader.driver().findElement(By.id("textfield")).sendKeys("Served by a page, in the spirit of Opera Unite.");
            reader.driver().findElement(By.cssSelector("input[type=submit]")).click();
            // save answers 302 to the service root: the list, now with the entry.
            reader.await(d -> "Entries".equals(d.getTitle()) && !d.findElements(By.cssSelector("li a")).isEmpty());
            List<WebElement> entries = reader.driver().findElements(By.cssSelector("li a"));
            assertEquals(1, entries.size());
            assertEquals("Hello from a plain browser", entries.get(0).getText());
            entries.get(0).click();
            reader.await(d -> "Hello from a plain browser".equals(d.getTitle()));
            assertEquals("Served by a page, in the spirit of Opera Unite.",
                    reader.driver().findElement(By.tagName("p")).getText());
            assertEquals(blog, reader.driver().getCurrentUrl().replaceAll("entry\\?id=0$", ""));
        }
        assertEquals(1L, (long) host.<Long>script("return entries.length"), "the entry is in the hosting page's own list");
    }
}
