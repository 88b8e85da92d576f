package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.browsersocket.packaging.NpmPackage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages on public origins (app.example over https, other.example over http; Local Network Access
 * applies as on the real web): the runtime's script with the user's permission, and the site's own
 * copy of the library, which says in plain words what is missing when it cannot reach the runtime.
 */
class PublicOriginTest {
    static TestCertificateAuthority ca;
    static PublicSite app;
    static PublicSite plain;
    static HostRuntime runtime;
    static Chromium chromium;
    @TempDir
    static Path packageDir;

    @BeforeAll
    static void start() throws Exception {
        NpmPackage.write(packageDir, "test");
        ca = TestCertificateAuthority.create();
        app = PublicSite.https("app.example", ca).directory(packageDir);
        plain = PublicSite.http("other.example").directory(packageDir);
        runtime = HostRuntime.start(RuntimeConfig.ephemeral(app.origin(), plain.origin()));
        String control = runtime.controlUrl();
        String siteCopy = "<script src=\"/browsersocket.js\" data-runtime=\"" + control + "\"></script>";
        app.page("/runtime-script.html", EchoExample.page("<script src=\"" + control + "/browsersocket.js\"></script>"))
                .page("/site-copy.html", EchoExample.page(siteCopy))
                .page("/no-runtime.html", EchoExample.page("<script src=\"/browsersocket.js\" data-runtime=\"http://127.0.0.1:1\"></script>"))
                .page("/module.html", """
                        <!doctype html><title>module</title><script type="module">
                        import { BrowserSocket } from '/browsersocket.mjs';
                        BrowserSocket.runtime = '%s';
                        window.bs = new BrowserSocket(function () { return { onmessage: function (m) { this.send('module: ' + m.data); } }; });
                        window.failures = [];
                        bs.onerror = function (e) { failures.push({ message: e.message }); };
                        </script>""".formatted(control));
        plain.page("/site-copy.html", EchoExample.page(siteCopy));
        chromium = Chromium.start(ChromiumOptions.defaults().publicSite(app).publicSite(plain).trust(ca));
    }

    @AfterAll
    static void stop() {
        chromium.close();
        runtime.close();
        app.close();
        plain.close();
    }

    private static void awaitListening() {
        chromium.await(d -> chromium.<Boolean>script("return typeof bs !== 'undefined' && bs.readyState === 1"));
    }

    private static Map<String, Object> awaitFailure() {
        return chromium.await(d -> {
            List<Map<String, Object>> failures = chromium.script("return window.failures || []");
            return failures.stream().filter(f -> f.get("message") != null).findFirst().orElse(null);
        });
    }

    /** A real WebSocket client connects to the page's listener and gets its message back. */
    private static String echoThroughPage(String suffix, String message) throws Exception {
        String address = chromium.script("return 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix");
        JavaPeer peer = new JavaPeer(address + suffix);
        peer.connect();
        try {
            peer.awaitOpen();
            peer.send(message);
            return peer.nextText();
        } finally {
            peer.closeBlocking();
        }
    }

    @Test
    void theOriginalEchoExampleRunsUnchangedOnAPublicHttpsPageOnceTheUserAllowsLoopbackAccess() throws Exception {
        chromium.grantLoopbackNetwork(app.origin());
        chromium.open(app.url("/runtime-script.html"));
        awaitListening();
        assertEquals((Object) chromium.script("return address"), chromium.script("return 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix"));
        assertEquals("hello from afar", echoThroughPage("echo", "hello from afar"));
    }

    @Test
    void theRuntimesScriptNeverLoadsOnAPublicPageDeniedLoopbackAccess() {
        chromium.denyLoopbackNetwork(app.origin());
        chromium.open(app.url("/runtime-script.html"));
        assertEquals("undefined", chromium.script("return typeof BrowserSocket"));
    }

    @Test
    void theSitesOwnCopyBehavesLikeTheRuntimesScriptWhenLoopbackAccessIsAllowed() throws Exception {
        chromium.grantLoopbackNetwork(app.origin());
        chromium.open(app.url("/site-copy.html"));
        assertEquals("site", chromium.script("return BrowserSocket.provider"));
        awaitListening();
        long port = chromium.script("return bs.port");
        assertEquals(runtime.publicPort(), port);
        assertTrue(chromium.<String>script("return bs.resourcePrefix").matches("/[A-Za-z0-9_-]{22}/"));
        assertEquals("copy", echoThroughPage("x", "copy"));
    }

    @Test
    void theSitesOwnCopyAsAnEsModuleListensToo() throws Exception {
        chromium.grantLoopbackNetwork(app.origin());
        chromium.open(app.url("/module.html"));
        awaitListening();
        assertEquals("undefined", chromium.script("return typeof BrowserSocket"), "a module sets no globals");
        assertEquals("module: hi", echoThroughPage("m", "hi"));
    }

    @Test
    void withLoopbackAccessDeniedTheSitesOwnCopyNamesThePermissionWithinTwoSeconds() {
        chromium.denyLoopbackNetwork(app.origin());
        chromium.open(app.url("/site-copy.html"));
        Map<String, Object> failure = awaitFailure();
        String message = (String) failure.get("message");
        assertTrue(message.contains("\"loopback-network\" permission"), message);
        assertTrue(message.contains(app.origin()), message);
        assertTrue(((Number) failure.get("after")).doubleValue() < 2000, "took " + failure.get("after") + " ms");
        assertEquals(Boolean.TRUE, chromium.script("return bs.ready.then(() => false, () => true)"));
    }

    @Test
    void onAPublicHttpPageTheSitesOwnCopySaysToServeThePageOverHttps() {
        chromium.open(plain.url("/site-copy.html"));
        String message = (String) awaitFailure().get("message");
        assertTrue(message.contains("not a secure context"), message);
        assertTrue(message.contains("https"), message);
    }

    @Test
    void withNoRuntimeRunningTheSitesOwnCopySaysSo() {
        chromium.grantLoopbackNetwork(app.origin());
        chromium.open(app.url("/no-runtime.html"));
        String message = (String) awaitFailure().get("message");
        assertTrue(message.contains("no BrowserSocket host runtime answered at http://127.0.0.1:1"), message);
    }
}
