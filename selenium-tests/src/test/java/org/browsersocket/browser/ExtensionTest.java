package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.browsersocket.demo.DemoSite;
import org.browsersocket.packaging.ExtensionPackage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.extension.NativeHostInstaller;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The BrowserSocket extension in a real Chromium: it gives pages of public sites the user allowed
 * in its popup the same BrowserSocket, reaching the runtime through its native-messaging host, so
 * the pages need no loopback access (none is granted here).
 */
class ExtensionTest {
    @TempDir
    static Path configDir;
    @TempDir
    static Path extensionDir;
    static TestCertificateAuthority ca;
    static PublicSite app;
    static PublicSite other;
    static HostRuntime runtime;
    static DemoSite localSite;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral().withConfigDir(configDir));
        ExtensionPackage.writeUnpacked(extensionDir, runtime.publicPort());
        ca = TestCertificateAuthority.create();
        app = PublicSite.https("app.example", ca).resources("demo")
                .page("/echo.html", EchoExample.page(""))
                .page("/demo-config.js", "window.BrowserSocketDemo = {};");
        other = PublicSite.https("other.example", ca).page("/echo.html", EchoExample.page(""));
        localSite = DemoSite.start("127.0.0.1", 0, runtime.controlUrl());
        chromium = Chromium.start(ChromiumOptions.defaults().publicSite(app).publicSite(other).trust(ca)
                .extension(extensionDir));
        StringWriter out = new StringWriter();
        int installed = NativeHostInstaller.run(configDir, List.of(chromium.nativeMessagingHosts()),
                ExtensionPackage.ID, new PrintWriter(out, true), new PrintWriter(out, true));
        assertEquals(0, installed, out.toString());
    }

    @AfterAll
    static void stop() {
        chromium.close();
        localSite.close();
        runtime.close();
        app.close();
        other.close();
    }

    /** What the page's listener is doing: "listening", "pending" (waits for the user), or its error. */
    static String listenerState() {
        return listenerStateOtherThan(null);
    }

    /** The listener's state once it is other than {@code state}. */
    static String listenerStateOtherThan(String state) {
        return chromium.await(d -> {
            String now = chromium.<String>script("""
                if (typeof bs === 'undefined') return null;
                if (bs.readyState === 1) return 'listening';
                var failures = window.failures || [];
                var error = failures.filter(function (f) { return f.message; })[0];
                if (error) return error.message;
                return failures.some(function (f) { return f.pending; }) ? 'pending' : null;
                """);
            return now == null || now.equals(state) ? null : now;
        });
    }

    /** Opens the extension's popup in a tab of its own, clicks a button in the row of {@code origin}, returns. */
    static void clickInPopup(String row, String origin, String button) {
        WebDriver driver = chromium.driver();
        String page = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get("chrome-extension://" + ExtensionPackage.ID + "/popup.html");
        By target = By.cssSelector("li." + row + "[data-origin='" + origin + "'] button." + button);
        chromium.await(d -> d.findElements(target).size() == 1);
        driver.findElement(target).click();
        chromium.await(d -> d.findElements(target).isEmpty());
        driver.close();
        driver.switchTo().window(page);
    }

    /** Opens a page of the app and makes sure the user allowed the app (in the popup, if it asks). */
    static void openAllowed(String url) {
        chromium.open(url);
        String state = listenerState();
        if (state.equals("pending")) {
            clickInPopup("pending", app.origin(), "allow");
            state = listenerStateOtherThan("pending");
        }
        assertEquals("listening", state);
    }

    @Test
    void theOriginalEchoExampleRunsUnchangedThroughTheExtensionOnceTheUserAllowsTheSite() throws Exception {
        chromium.open(app.url("/echo.html"));
        assertEquals("extension", chromium.script("return BrowserSocket.provider"));
        long port = chromium.script("return bs.port");
        assertEquals(runtime.publicPort(), port, "the port is known synchronously");
        String address = chromium.script("return address");
        assertTrue(address.matches("ws://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{22}/"), address);
        if (listenerState().equals("pending")) {
            clickInPopup("pending", app.origin(), "allow");
        }
        assertEquals("listening", listenerStateOtherThan("pending"));

        JavaPeer peer = new JavaPeer(address + "echo");
        peer.connect();
        peer.awaitOpen();
        peer.send("through the extension");
        assertEquals("through the extension", peer.nextText());
        peer.send(new byte[] {7, 8, 9});
        assertEquals(3, peer.nextBinary().length);
        peer.closeBlocking();
        assertTrue(runtime.sessions().stream().anyMatch(s -> s.viaExtension() && s.origin().equals(app.origin())));
        String direct = chromium.asyncScript("var done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(function () { done('reached'); }, function () { done('blocked'); });",
                runtime.controlUrl() + "/grant");
        assertEquals("blocked", direct, "the page itself has no loopback access");
    }

    @Test
    void aSiteTheUserDeniesGetsNoListenerAndAClearError() {
        chromium.open(other.url("/echo.html"));
        assertEquals("pending", listenerState());
        clickInPopup("pending", other.origin(), "deny");
        String error = listenerStateOtherThan("pending");
        assertTrue(error.contains("you denied " + other.origin() + " in the BrowserSocket extension"), error);
        assertTrue(runtime.sessions().stream().noneMatch(s -> s.origin().equals(other.origin())));
    }

    @Test
    void revokingASiteClosesItsListenersAndTheirPeers() throws Exception {
        openAllowed(app.url("/echo.html"));
        JavaPeer peer = new JavaPeer(chromium.<String>script("return address") + "x");
        peer.connect();
        peer.awaitOpen();
        clickInPopup("allowed", app.origin(), "revoke");
        String error = listenerStateOtherThan("listening");
        assertTrue(error.contains("permission for " + app.origin() + " was revoked"), error);
        assertEquals(1001, peer.awaitClose().code());
    }

    /** Opens a raw channel to the extension, as the page script does, and sends it {@code message} once open. */
    private static final String RAW_CHANNEL = """
            var message = arguments[0], done = arguments[arguments.length - 1], got = [];
            var channel = new MessageChannel();
            channel.port1.onmessage = function (e) {
              var m = e.data;
              got.push(m.kind === 'text' ? JSON.parse(m.data) : m);
              if (m.kind === 'open') channel.port1.postMessage(eval('(' + message + ')'));
              if (m.kind === 'close') done(got);
            };
            window.postMessage({ browsersocket: 'connect' }, '*', [channel.port2]);
            """;

    @Test
    void messagesOfTheWrongShapeFromAPageAreRefusedWithAClearErrorAndItsListenerGoesOn() throws Exception {
        openAllowed(app.url("/echo.html"));
        List<Map<String, Object>> wrongKind = chromium.asyncScript(RAW_CHANNEL, "{kind: 'binary', data: 'not bytes'}");
        Map<String, Object> close = wrongKind.get(wrongKind.size() - 1);
        assertEquals(1008L, close.get("code"));
        assertTrue(((String) close.get("reason")).contains("refused a malformed message from the page: a binary message"), close.toString());

        List<Map<String, Object>> tooLong = chromium.asyncScript(RAW_CHANNEL, "{kind: 'text', data: 'x'.repeat(2 << 20)}");
        assertTrue(tooLong.stream().anyMatch(m -> "error".equals(m.get("type"))
                && ((String) m.get("reason")).contains("refused a malformed message from the page")), tooLong.toString());

        JavaPeer peer = new JavaPeer(chromium.<String>script("return address") + "still");
        peer.connect();
        peer.awaitOpen();
        peer.send("still serving");
        assertEquals("still serving", peer.nextText());
        peer.closeBlocking();
    }

    @Test
    void theChatDemoHostsARoomThroughTheExtensionAndAGuestJoins() {
        openAllowed(app.url("/echo.html")); // the user allowed the app
        chromium.open(app.url("/chat/"));
        WebDriver driver = chromium.driver();
        driver.findElement(By.id("name")).clear();
        driver.findElement(By.id("name")).sendKeys("alice");
        driver.findElement(By.id("host")).click();
        chromium.await(d -> d.findElement(By.id("status")).getText().startsWith("Hosting"));
        String roomUrl = driver.findElement(By.id("room-url")).getAttribute("value");
        String hostTab = driver.getWindowHandle();

        driver.switchTo().newWindow(WindowType.TAB);
        driver.get("http://localhost:" + localSite.port() + "/chat/");
        driver.findElement(By.id("name")).clear();
        driver.findElement(By.id("name")).sendKeys("bob");
        driver.findElement(By.id("join-url")).sendKeys(roomUrl);
        driver.findElement(By.id("join")).click();
        awaitLine("notice", "bob joined");
        driver.findElement(By.id("text")).sendKeys("hi from a guest", Keys.ENTER);
        awaitLine("msg", "bob: hi from a guest");
        String guestTab = driver.getWindowHandle();

        driver.switchTo().window(hostTab);
        awaitLine("msg", "bob: hi from a guest");
        driver.findElement(By.id("text")).sendKeys("hello bob", Keys.ENTER);
        driver.switchTo().window(guestTab);
        awaitLine("msg", "alice: hello bob");
        driver.close();
        driver.switchTo().window(hostTab);
    }

    static void awaitLine(String cssClass, String text) {
        try {
            chromium.await(d -> {
                List<String> lines = d.findElements(By.cssSelector("#log ." + cssClass)).stream().map(WebElement::getText).toList();
                return lines.contains(text) ? lines : null;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no line '" + text + "'; status: " + chromium.driver().findElement(By.id("status")).getText()
                    + "; log: " + chromium.driver().findElement(By.id("log")).getText(), e);
        }
    }
}
