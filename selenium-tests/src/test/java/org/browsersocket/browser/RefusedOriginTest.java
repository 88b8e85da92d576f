package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;

/**
 * A page whose site the user has not allowed waits, and the user answers on the runtime's status
 * page in the same browser: Allow lets it listen, Deny gives its onerror a reason it can show.
 */
class RefusedOriginTest {
    /** The first event of this type the lab page recorded, once there is one. */
    private static Map<String, Object> awaitEvent(Chromium chromium, String type) {
        return chromium.await(d -> {
            List<Map<String, Object>> events = chromium.script("return events");
            return events.stream().filter(e -> type.equals(e.get("type"))).findFirst().orElse(null);
        });
    }

    /** Clicks a button of the site's request on the status page, in a tab of its own; returns to the page. */
    private static void answerOnStatusPage(Chromium chromium, HostRuntime runtime, String origin, String button) {
        WebDriver driver = chromium.driver();
        String page = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(runtime.controlUrl() + "/");
        chromium.await(d -> d.findElements(By.cssSelector("li.request[data-origin='" + origin + "'] button." + button)).size() == 1);
        driver.findElement(By.cssSelector("li.request[data-origin='" + origin + "'] button." + button)).click();
        chromium.await(d -> d.findElements(By.cssSelector("li.request[data-origin='" + origin + "']")).isEmpty());
        driver.close();
        driver.switchTo().window(page);
    }

    @Test
    void aSiteNotYetAllowedWaitsUntilTheUserAllowsItOnTheStatusPage() throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral());
             DemoSite site = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
             Chromium chromium = Chromium.start()) {
            String origin = "http://localhost:" + site.port();
            chromium.open(origin + "/tests/lab.html");
            chromium.script("openListener('asking', {echo: true})");
            String pending = (String) awaitEvent(chromium, "pending").get("message");
            assertTrue(pending.contains(origin + " is waiting for the user"), pending);
            assertTrue(pending.contains(runtime.controlUrl() + "/"), pending);

            answerOnStatusPage(chromium, runtime, origin, "allow");
            chromium.await(d -> chromium.<Boolean>script("return listeners.asking.readyState === BrowserSocket.OPEN"));
            assertEquals(org.browsersocket.runtime.consent.ConsentBook.Standing.ALLOWED,
                    runtime.consent().book().standing(origin));
        }
    }

    @Test
    void aSiteTheUserDeniesGetsOnerrorSayingWhy() throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral());
             DemoSite site = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
             Chromium chromium = Chromium.start()) {
            String origin = "http://localhost:" + site.port();
            chromium.open(origin + "/tests/lab.html");
            chromium.script("openListener('refused', {})");
            awaitEvent(chromium, "pending");
            answerOnStatusPage(chromium, runtime, origin, "deny");
            String message = (String) awaitEvent(chromium, "error").get("message");
            assertTrue(message.contains("the user denied " + origin), message);
            assertTrue(message.contains("revoke that decision at " + runtime.controlUrl()), message);
        }
    }

    @Test
    void pageWhoseRuntimeIsGoneGetsOnerrorSayingItIsUnreachable() throws Exception {
        try (HostRuntime runtime = HostRuntime.start(RuntimeConfig.ephemeral("http://localhost:1"));
             DemoSite site = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
             Chromium chromium = Chromium.start()) {
            chromium.open("http://localhost:" + site.port() + "/tests/lab.html");
            runtime.close(); // the page has its script; the runtime goes away before it listens
            chromium.script("openListener('orphan', {})");
            String message = (String) awaitEvent(chromium, "error").get("message");
            assertTrue(message.contains("unreachable"), message);
        }
    }
}
