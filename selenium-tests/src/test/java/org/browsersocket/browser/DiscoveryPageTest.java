package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The discovery service's own page: its lookup box and its watch work against the live service. */
class DiscoveryPageTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    private static String service() {
        return "http://127.0.0.1:" + SETUP.stack().discoveryService().port();
    }

    private static void put(String name, String value) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(service() + "/v1/values/" + name))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\",\"ttl\":300}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String firstValue(WebDriver driver, String list) {
        var items = driver.findElements(By.cssSelector("#" + list + " li"));
        return items.isEmpty() ? null : items.get(0).getText();
    }

    @Test
    void theLookupBoxShowsAValueThatWasPut() throws Exception {
        put("page-test-lookup", "ws://203.0.113.7:7041/lookup/");
        SETUP.chromium().open(service() + "/");
        SETUP.chromium().driver().findElement(By.id("lookup-name")).sendKeys("page-test-lookup");
        SETUP.chromium().driver().findElement(By.id("lookup")).click();
        String shown = SETUP.chromium().await(d -> firstValue(d, "lookup-values"));
        assertEquals(true, shown.startsWith("ws://203.0.113.7:7041/lookup/"), shown);
    }

    @Test
    void theWatchShowsAValueAsItArrives() throws Exception {
        SETUP.chromium().open(service() + "/");
        SETUP.chromium().driver().findElement(By.id("watch-name")).sendKeys("page-test-watch");
        SETUP.chromium().driver().findElement(By.id("watch")).click();
        SETUP.chromium().await(d -> d.findElement(By.id("watch-status")).getText().startsWith("watching") ? true : null);
        put("page-test-watch", "ws://203.0.113.7:7041/watched/");
        String shown = SETUP.chromium().await(d -> firstValue(d, "watch-values"));
        assertEquals(true, shown.startsWith("ws://203.0.113.7:7041/watched/"), shown);
    }

    @Test
    void theDemoIndexLinksTheStatusPageAndTheServicesAndTheEchoPageLinksBack() {
        SETUP.chromium().open(SETUP.stack().url("/"));
        WebDriver d = SETUP.chromium().driver();
        assertEquals(SETUP.stack().runtime().controlUrl() + "/", d.findElement(By.id("runtime-status")).getAttribute("href"));
        assertEquals("http://127.0.0.1:" + SETUP.stack().addressService().port() + "/",
                d.findElement(By.id("address-service")).getAttribute("href"));
        assertEquals(service() + "/", d.findElement(By.id("discovery-service")).getAttribute("href"));
        SETUP.chromium().open(SETUP.stack().url("/echo/"));
        assertEquals(SETUP.stack().url("/"), d.findElement(By.linkText("← All demos")).getAttribute("href"));
        String address = SETUP.chromium().await(x -> {
            String value = x.findElement(By.id("address")).getAttribute("value");
            return value.startsWith("ws://") ? value : null;
        });
        assertEquals(true, d.findElement(By.id("try-console")).getText().contains("new WebSocket('" + address + "')"));
    }
}
