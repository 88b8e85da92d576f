package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.testing.HttpStatusProbe;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;

/**
 * The runtime's status page in a real Chromium, open while a page serves peers: it follows
 * connections opening, counting messages, being refused and closing, without being reloaded.
 */
class StatusPageTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.stackOnly();

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    // The page rebuilds its tables on every update, so elements are read by script, never held.
    private Chromium chromium;

    private List<String> texts(String css) {
        return chromium.script("return Array.from(document.querySelectorAll(arguments[0]), e => e.textContent)", css);
    }

    private String text(String css) {
        return chromium.script("var e = document.querySelector(arguments[0]); return e ? e.textContent : null", css);
    }

    private long count(String css) {
        return chromium.<Long>script("return document.querySelectorAll(arguments[0]).length", css);
    }

    @Test
    void theStatusPageFollowsConnectionsMessagesAndClosesLiveWithoutReloading() throws Exception {
        HostRuntime runtime = SETUP.stack().runtime();
        try (Chromium browser = ChatLayoutTest.window()) {
            chromium = browser;
            WebDriver driver = chromium.driver();
            chromium.open(SETUP.stack().url("/tests/lab.html"));
            Map<String, Object> address = chromium.script(
                    "return openListener('echo', {echo: true, rejectSuffix: '/private'})");
            chromium.await(d -> chromium.<Boolean>script("return listeners.echo.readyState === BrowserSocket.OPEN"));
            String url = "ws://127.0.0.1:" + address.get("port") + address.get("prefix");

            driver.switchTo().newWindow(WindowType.TAB);
            chromium.cdp("Emulation.setDeviceMetricsOverride",
                    Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
            driver.get(runtime.controlUrl() + "/");
            chromium.script("window.loadedOnce = true");
            chromium.await(d -> "live".equals(text("#live")));
            chromium.await(d -> texts(".listener .title").contains("BrowserSocket test lab"));
            assertTrue(text(".listener .url").endsWith("/tests/lab.html"), text(".listener .url"));

            JavaPeer talker = new JavaPeer(url + "talker");
            JavaPeer quiet = new JavaPeer(url + "quiet");
            try {
                talker.connect();
                quiet.connect();
                talker.awaitOpen();
                quiet.awaitOpen();
                chromium.await(d -> count("tr.conn") == 2);
                chromium.await(d -> count("#events li[data-kind=accepted]") == 2);
                assertEquals("2", text("#tile-connections"));

                for (int i = 1; i <= 3; i++) {
                    talker.send("message " + i);
                    assertEquals("message " + i, talker.nextText());
                }
                chromium.await(d -> count("tr.conn[data-messages-in='3'][data-messages-out='3']") == 1);

                // Traffic over a few seconds draws the graph: keep talking until three samples show it.
                chromium.await(d -> {
                    talker.send("tick");
                    try {
                        talker.nextText();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return chromium.<Long>script("return statusState.traffic.history"
                            + ".filter(function (p) { return p.messagesIn > 0; }).length") >= 3;
                });

                String path = url.substring(url.indexOf('/', 5));
                assertEquals(403, HttpStatusProbe.upgradeStatus("127.0.0.1", runtime.publicPort(), path + "private"));
                chromium.await(d -> texts("#events li[data-kind=rejected]").stream()
                        .anyMatch(e -> e.contains("status 403") && e.contains("members only")));

                screenshot(driver, "status-page-live");

                talker.closeBlocking();
                chromium.await(d -> count("tr.conn") == 1);
                chromium.await(d -> count("#closed tr.closed-conn[data-code='1000']") == 1);
                chromium.await(d -> count("#events li[data-kind=closed]") == 1);
                quiet.send("close-me"); // the lab page closes this one with 4002
                assertEquals(4002, quiet.awaitClose().code());
                chromium.await(d -> count("#closed tr.closed-conn[data-code='4002']") == 1);
                chromium.await(d -> count("tr.conn") == 0);
            } finally {
                talker.closeBlocking();
                quiet.closeBlocking();
            }
            assertEquals(Boolean.TRUE, chromium.script("return window.loadedOnce === true"),
                    "the page updated in place, never reloaded");
            assertTrue(chromium.<Long>script("return +document.body.dataset.updates") > 3);
            screenshot(driver, "status-page-after");
        }
    }

    /** Saves what the status page looks like now (1280×900) under target/screenshots. */
    private static void screenshot(WebDriver driver, String name) throws java.io.IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
