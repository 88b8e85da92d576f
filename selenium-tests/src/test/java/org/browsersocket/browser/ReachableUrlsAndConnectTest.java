package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.browsersocket.packaging.ScriptBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A listener's ways in ({@code reachableUrls()}, the 'reachability' event) and a peer's way to use
 * them ({@code BrowserSocket.connect} / {@code BrowserSocketConnect.connect}), in a real Chromium.
 * Slow and dead ways in are Java servers and closed ports on loopback; the runtime's candidates
 * come from a stand-in for the runtime inside the page (tests/fake-runtime.js), so any mix of
 * kinds and addresses can be given.
 */
class ReachableUrlsAndConnectTest {
    @RegisterExtension
    static final StackAndBrowser SETUP = StackAndBrowser.withChromium();

    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    /** A loopback port nobody listens on: connecting to it is refused at once. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Map<String, Object> tryConnect(String candidatesJson, String optionsJson) {
        return SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "tryConnect(" + candidatesJson + ", undefined, " + optionsJson + ").then(done);");
    }

    void openConnectOnlyPage() {
        SETUP.chromium().open(SETUP.stack().url("/tests/connect-only.html"));
    }

    @Test
    void aDeadCandidateFirstCostsNoStaggerAndTheWorkingOneOpens() throws Exception {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        Map<String, Object> address = SETUP.chromium().script("return openListener('target', {echo: true})");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return listeners.target.readyState === BrowserSocket.OPEN"));
        String working = "ws://127.0.0.1:" + address.get("port") + address.get("prefix") + "peer";
        String dead = "ws://127.0.0.1:" + deadPort() + "/dead/";
        Map<String, Object> result = SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "var started = performance.now();"
                + "BrowserSocket.connect([arguments[0], {url: arguments[1], kind: 'mapped'}], undefined, {stagger: 3000})"
                + ".then(ws => { ws.onmessage = m => done({url: ws.candidate.url, kind: ws.candidate.kind, echo: m.data,"
                + "    ms: performance.now() - started}); ws.send('through the second way in'); },"
                + "  e => done({failed: e.message}));", dead, working);
        assertEquals(working, result.get("url"), String.valueOf(result));
        assertEquals("mapped", result.get("kind"));
        assertEquals("through the second way in", result.get("echo"));
        // The dead one failed at once, so the next started without waiting out the 3 s stagger.
        assertTrue(((Number) result.get("ms")).doubleValue() < 2000, String.valueOf(result));
    }

    @Test
    void aFasterLaterCandidateWinsAndTheSlowAttemptIsAbandoned() throws Exception {
        openConnectOnlyPage();
        try (HandshakeServer slow = new HandshakeServer(Duration.ofSeconds(5));
             HandshakeServer fast = new HandshakeServer(Duration.ZERO)) {
            Map<String, Object> result = tryConnect("['" + slow.url() + "', '" + fast.url() + "']", "{stagger: 200}");
            assertEquals(fast.url(), result.get("opened"), String.valueOf(result));
            assertEquals(1L, result.get("readyState"));
            double ms = ((Number) result.get("ms")).doubleValue();
            assertTrue(ms >= 150 && ms < 3000, "the fast one starts after the stagger: " + ms + " ms");
            assertEquals("opened", fast.nextEvent(EVENT_WAIT));
            // The slow one was still waiting for its 101 when the fast one opened: it is dropped.
            assertEquals("aborted before 101", slow.nextEvent(EVENT_WAIT));
            SETUP.chromium().script("lastSocket.close(1000, 'done')");
            assertEquals("closed 1000", fast.nextEvent(EVENT_WAIT));
        }
    }

    @Test
    void aLoserThatAnswersBeforeItIsAbandonedIsClosedNormally() throws Exception {
        openConnectOnlyPage();
        // Both answer; the first wins, the second (started right after a zero stagger) must not stay open.
        try (HandshakeServer first = new HandshakeServer(Duration.ZERO);
             HandshakeServer second = new HandshakeServer(Duration.ofMillis(50))) {
            Map<String, Object> result = tryConnect("['" + first.url() + "', '" + second.url() + "']", "{stagger: 0}");
            assertEquals(first.url(), result.get("opened"), String.valueOf(result));
            String secondSaw = second.nextEvent(EVENT_WAIT);
            if ("opened".equals(secondSaw)) {
                secondSaw = second.nextEvent(EVENT_WAIT);
                assertTrue("closed 1000".equals(secondSaw) || "dropped".equals(secondSaw), secondSaw);
            } else {
                assertEquals("aborted before 101", secondSaw);
            }
        }
    }

    @Test
    void whenEveryCandidateIsDeadConnectRejectsListingEachOnesFailure() throws Exception {
        openConnectOnlyPage();
        List<String> dead = List.of("ws://127.0.0.1:" + deadPort() + "/a/", "ws://127.0.0.1:" + deadPort() + "/b/",
                "ws://127.0.0.1:" + deadPort() + "/c/");
        Map<String, Object> result = tryConnect("['" + String.join("', '", dead) + "']", "{stagger: 5000}");
        assertEquals("AggregateError", result.get("name"), String.valueOf(result));
        List<Map<String, Object>> errors = (List<Map<String, Object>>) result.get("errors");
        assertEquals(3, errors.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(dead.get(i), errors.get(i).get("url"));
            assertTrue(String.valueOf(errors.get(i).get("message")).startsWith(dead.get(i) + ": closed before opening"),
                    String.valueOf(errors.get(i)));
        }
        assertTrue(((Number) result.get("ms")).doubleValue() < 4000, "failures do not wait out staggers: " + result);
    }

    @Test
    void connectGivesUpAtTheTimeoutAndAbortsTheAttemptsStillWaiting() throws Exception {
        openConnectOnlyPage();
        try (HandshakeServer silent = new HandshakeServer(Duration.ofSeconds(30))) {
            Map<String, Object> result = tryConnect("['" + silent.url() + "', 'ws://127.0.0.1:" + deadPort() + "/x/']",
                    "{stagger: 100, timeout: 800}");
            assertTrue(String.valueOf(result.get("failed")).contains("within 800 ms"), String.valueOf(result));
            List<Map<String, Object>> errors = (List<Map<String, Object>>) result.get("errors");
            assertEquals(2, errors.size());
            assertTrue(String.valueOf(errors.get(0).get("message")).contains("no candidate opened within 800 ms"), String.valueOf(errors));
            assertTrue(String.valueOf(errors.get(1).get("message")).contains("closed before opening"), String.valueOf(errors));
            assertEquals("aborted before 101", silent.nextEvent(EVENT_WAIT));
        }
    }

    @Test
    void thePageWithOnlyTheStandaloneScriptConnectsAsClassicScriptAndAsModule() throws Exception {
        openConnectOnlyPage();
        assertEquals("undefined", SETUP.chromium().script("return typeof BrowserSocket"));
        try (HandshakeServer server = new HandshakeServer(Duration.ZERO)) {
            assertEquals(server.url(), tryConnect("['" + server.url() + "']", "undefined").get("opened"));
            assertEquals("opened", server.nextEvent(EVENT_WAIT));
            String viaModule = SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                    + "import('/lib/browsersocket-connect.mjs').then(m => m.connect([arguments[0]]))"
                    + ".then(ws => done(ws.candidate.url + ' ' + ws.readyState), e => done('failed: ' + e.message));",
                    server.url());
            assertEquals(server.url() + " 1", viaModule);
        }
    }

    @Test
    void theRuntimeServesTheStandaloneScriptAndItsOwnScriptHasTheSameConnect() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(SETUP.stack().runtime().controlUrl() + "/browsersocket-connect.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/javascript"));
        assertTrue(response.body().contains("global.BrowserSocketConnect = BrowserSocketConnect;"));
        assertFalse(response.body().contains("class BrowserSocket "), "the standalone script has no listener side");

        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        assertEquals(true, SETUP.chromium().script(
                "return typeof BrowserSocket.connect === 'function' && BrowserSocket.connect === BrowserSocketConnect.connect"));
    }

    /** Opens a page whose library is the site's own copy, talking to the stand-in runtime. */
    void openPageWithFakeRuntime(String candidatesJson, String addressesJson) throws IOException {
        openConnectOnlyPage();
        String fake;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("demo/tests/fake-runtime.js")) {
            fake = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SETUP.chromium().script(fake);
        SETUP.chromium().script("fakeRuntime.candidates = " + candidatesJson + "; fakeRuntime.addresses = " + addressesJson + ";");
        SETUP.chromium().script(ScriptBundle.SITE.classicScript());
        SETUP.chromium().script("BrowserSocket.runtime = 'http://runtime.invalid';"
                + "window.reachability = [];"
                + "window.bs = new BrowserSocket(() => ({}));"
                + "bs.onreachability = e => reachability.push(e.urls.map(u => u.kind + ' ' + u.url));");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return bs.readyState === BrowserSocket.OPEN"));
    }

    List<Map<String, Object>> reachableUrls(String endpointsJson) {
        return SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "bs.reachableUrls(" + endpointsJson + ").then(urls => done(urls.map(u => Object.assign({}, u))"
                + ".concat([{errors: urls.errors}])), e => done([{rejected: e.message}]));");
    }

    static final String MIXED_CANDIDATES = """
            [{kind: 'public', family: 4, base: 'ws://198.51.100.20:7041', detail: 'own address'},
             {kind: 'public', family: 4, base: 'ws://127.0.0.1:7041', detail: 'loopback'},
             {kind: 'mapped', family: 4, base: 'ws://203.0.113.11:7041', detail: 'NAT-PMP, 7200 s'},
             {kind: 'mapped', family: 4, base: 'ws://192.168.1.20:7041', detail: 'private'},
             {kind: 'ipv6', family: 6, base: 'ws://[2001:db8::5]:7041', detail: 'native'},
             {kind: 'ipv6', family: 6, base: 'ws://[fe80::1]:7041', detail: 'link-local'},
             {kind: 'ipv6', family: 6, base: 'ws://[fd00::7]:7041', detail: 'unique-local'},
             {kind: 'ipv6', family: 6, base: 'ws://[::1]:7041', detail: 'loopback'},
             {kind: 'teredo', family: 6, base: 'ws://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:7041', detail: 'Teredo'},
             {kind: 'relay', family: 4, base: 'wss://relay.example.org:443', detail: 'relay'}]""";

    @Test
    void reachableUrlsListsTheRuntimesCandidatesBestFirstWithoutLocalAddressesAndMergesTheServicesAnswers()
            throws Exception {
        openPageWithFakeRuntime(MIXED_CANDIDATES, """
                {'http://v4.address.invalid': {ip: '203.0.113.50', version: 4, teredo: null},
                 'http://v6.address.invalid': {ip: '2001:db8::5', version: 6, teredo: null},
                 'http://teredo.address.invalid': {ip: '2001:0:4136:e378:8000:63bf:3fff:aaaa', version: 6,
                    teredo: {server: '65.54.227.120', client: '192.0.2.85', port: 40000, cone: true, flags: '8000'}},
                 'http://lo.address.invalid': {ip: '127.0.0.1', version: 4, teredo: null}}""");
        String prefix = SETUP.chromium().script("return bs.resourcePrefix");
        List<Map<String, Object>> urls = reachableUrls("{ipv4: 'http://v4.address.invalid', ipv6: 'http://v6.address.invalid',"
                + " teredo: 'http://teredo.address.invalid', lo: 'http://lo.address.invalid', gone: 'http://gone.address.invalid'}");
        List<String> shown = urls.stream().filter(u -> u.containsKey("url"))
                .map(u -> u.get("kind") + " " + u.get("url") + " " + u.get("confirmed")).toList();
        assertEquals(List.of(
                "public ws://198.51.100.20:7041" + prefix + " true",
                "mapped ws://203.0.113.11:7041" + prefix + " true",
                "ipv6 ws://[2001:db8::5]:7041" + prefix + " true",
                "teredo ws://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:7041" + prefix + " true",
                "public ws://203.0.113.50:7041" + prefix + " false",
                "teredo ws://[2001:0:4136:e378:8000:63bf:3fff:aaaa]:7041" + prefix + " false",
                "relay wss://relay.example.org:443" + prefix + " true"), shown);
        Map<String, Object> mapped = urls.get(1);
        assertEquals("203.0.113.11", mapped.get("host"));
        assertEquals(7041L, mapped.get("port"));
        assertEquals(false, mapped.get("secure"));
        assertEquals(4L, mapped.get("family"));
        assertEquals("NAT-PMP, 7200 s", mapped.get("detail"));
        Map<String, Object> relay = urls.get(6);
        assertEquals(true, relay.get("secure"));
        assertEquals(443L, relay.get("port"));
        List<String> errors = (List<String>) urls.get(urls.size() - 1).get("errors");
        assertEquals(2, errors.size(), String.valueOf(errors));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("http://lo.address.invalid: answered 127.0.0.1")), String.valueOf(errors));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("http://gone.address.invalid: ")), String.valueOf(errors));
    }

    @Test
    void reachableUrlsResolvesWithTheRuntimesCandidatesWhenEveryAddressServiceFails() throws Exception {
        openPageWithFakeRuntime("[{kind: 'mapped', family: 4, base: 'ws://203.0.113.11:7041', detail: 'PCP'}]", "{}");
        List<Map<String, Object>> urls = reachableUrls("{ipv4: 'http://gone.address.invalid'}");
        assertEquals("mapped", urls.get(0).get("kind"), String.valueOf(urls));
        assertEquals(1, ((List<?>) urls.get(1).get("errors")).size(), String.valueOf(urls));
    }

    @Test
    void theReachabilityEventTellsTheListenersUrlsWhenItOpensAndWhenTheCandidatesChange() throws Exception {
        openPageWithFakeRuntime("[{kind: 'public', family: 4, base: 'ws://198.51.100.20:7041', detail: ''},"
                + " {kind: 'public', family: 4, base: 'ws://10.0.0.2:7041', detail: 'private'}]", "{}");
        String prefix = SETUP.chromium().script("return bs.resourcePrefix");
        SETUP.chromium().await(d -> SETUP.chromium().<Long>script("return reachability.length") >= 1);
        assertEquals(List.of(List.of("public ws://198.51.100.20:7041" + prefix)), SETUP.chromium().script("return reachability"));
        SETUP.chromium().script("fakeRuntime.push({type: 'reachability', candidates: [{kind: 'mapped', family: 4,"
                + " base: 'ws://203.0.113.11:7041', detail: 'UPnP-IGD'}, {kind: 'relay', family: 4, base: 'ws://198.51.100.10:7045', detail: ''}]})");
        SETUP.chromium().await(d -> SETUP.chromium().<Long>script("return reachability.length") >= 2);
        assertEquals(List.of("mapped ws://203.0.113.11:7041" + prefix, "relay ws://198.51.100.10:7045" + prefix),
                SETUP.chromium().<List<Object>>script("return reachability").get(1));
        List<Map<String, Object>> urls = reachableUrls("undefined");
        assertEquals("mapped", urls.get(0).get("kind"));
        assertEquals("relay", urls.get(1).get("kind"));
    }

    @Test
    void reachableUrlsNeverListsLoopbackAddresses() {
        SETUP.chromium().open(SETUP.stack().url("/tests/lab.html"));
        SETUP.chromium().script("openListener('reach', {echo: true})");
        SETUP.chromium().await(d -> SETUP.chromium().<Boolean>script("return listeners.reach.readyState === BrowserSocket.OPEN"));
        // The local stack's address services see this machine as 127.0.0.1 and ::1.
        List<Map<String, Object>> urls = SETUP.chromium().asyncScript("var done = arguments[arguments.length - 1];"
                + "listeners.reach.reachableUrls(BrowserSocketDemo.addressServices)"
                + ".then(urls => done(urls.map(u => ({url: u.url, host: u.host}))), e => done([{rejected: e.message}]));");
        assertFalse(urls.isEmpty());
        for (Map<String, Object> url : urls) {
            if (url.containsKey("rejected")) {
                assertTrue(String.valueOf(url.get("rejected")).contains("127.0.0.1, a local address"), String.valueOf(url));
            } else {
                assertNotNull(url.get("host"));
                assertFalse(String.valueOf(url.get("host")).matches("127\\..*|::1|localhost"), String.valueOf(url));
            }
        }
    }
}
