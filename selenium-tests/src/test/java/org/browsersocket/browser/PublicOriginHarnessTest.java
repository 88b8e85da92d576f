package org.browsersocket.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The harness serves pages from a public-looking https origin (app.example, address space public,
 * certificate from a test CA that Chromium trusts by SPKI), where Local Network Access applies to
 * loopback requests as it does for real internet pages.
 */
class PublicOriginHarnessTest {
    private static final String PAGE = """
            <!doctype html><title>loading</title>
            <script>document.title = 'ran ' + location.protocol + ' secure=' + window.isSecureContext;</script>
            """;
    private static final String FETCH = """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => r.text()).then(t => done('ok ' + t), e => done('fail ' + e.name + ': ' + e.message));
            """;

    @Test
    void publicHttpsPageRunsItsScriptInASecureContextWithoutACertificateWarning() throws Exception {
        TestCertificateAuthority ca = TestCertificateAuthority.create();
        try (PublicSite site = PublicSite.https("app.example", ca).page("/secure.html", PAGE);
             Chromium chromium = Chromium.start(ChromiumOptions.defaults().publicSite(site).trust(ca))) {
            chromium.open(site.url("/secure.html"));
            assertEquals("ran https: secure=true", chromium.driver().getTitle());
            assertEquals(true, chromium.script("return window.isSecureContext"));
            assertEquals("app.example:" + site.port(), chromium.script("return location.host"));
        }
    }

    @Test
    void publicHttpsPageGetsTheCertificateWarningWhenTheTestCaIsNotTrusted() throws Exception {
        TestCertificateAuthority ca = TestCertificateAuthority.create();
        try (PublicSite site = PublicSite.https("app.example", ca).page("/secure.html", PAGE);
             Chromium chromium = Chromium.start(ChromiumOptions.defaults().publicSite(site))) {
            chromium.open(site.url("/secure.html"));
            assertEquals("Privacy error", chromium.driver().getTitle());
        }
    }

    @Test
    void loopbackFetchFromPublicHttpsPageFailsWhenDeniedAndSucceedsWhenGranted() throws Exception {
        TestCertificateAuthority ca = TestCertificateAuthority.create();
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer loopback = corsServer(requests);
        try (PublicSite site = PublicSite.https("app.example", ca).page("/page.html", PAGE);
             Chromium chromium = Chromium.start(ChromiumOptions.defaults().publicSite(site).trust(ca))) {
            String url = "http://127.0.0.1:" + loopback.getAddress().getPort() + "/x";
            chromium.open(site.url("/page.html"));

            chromium.denyLoopbackNetwork(site.origin());
            assertEquals("fail TypeError: Failed to fetch", chromium.asyncScript(FETCH, url));
            assertEquals(List.of(), requests, "a denied request never reaches the loopback server");

            chromium.grantLoopbackNetwork(site.origin());
            assertEquals("ok hello from loopback", chromium.asyncScript(FETCH, url));
            assertTrue(requests.contains("GET /x from " + site.origin()), requests.toString());
        } finally {
            loopback.stop(0);
        }
    }

    /** An HTTP server on 127.0.0.1 answering every request with CORS {@code *}; it records "METHOD PATH from ORIGIN". */
    private static HttpServer corsServer(List<String> requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " from "
                        + exchange.getRequestHeaders().getFirst("Origin"));
                byte[] body = "hello from loopback".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }
}
