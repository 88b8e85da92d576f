package org.browsersocket.browser.conformance;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.browser.Chromium;
import org.browsersocket.browser.LocalStack;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The server under test: the original BrowserSocket echo example, run unchanged in the test lab
 * page of a real headless Chromium, behind the local stack's host runtime. One stack, one browser
 * and one listener for a test class (register on a static field with {@code @RegisterExtension});
 * each test connects its own raw peers to the listener. Tests that look at the page's side of a
 * connection open a recording listener of the lab page ({@code openListener}) next to it.
 */
final class PageHostedEcho implements BeforeAllCallback, AfterAllCallback {
    /** The original example, as {@code org.browsersocket.browser.EchoExample.CODE} carries it. */
    static final String ORIGINAL_EXAMPLE = """
            function EchoHandler() { this.onmessage = function (msg) { this.send(msg.data); }; }
            function echoHandlerFactory() { return new EchoHandler(); }
            var bs = new BrowserSocket(echoHandlerFactory);
            var address = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix;
            """;

    private LocalStack stack;
    private Chromium chromium;
    private String host;
    private int port;
    private String prefix;
    private final Map<String, String> labPrefixes = new HashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack = LocalStack.start();
        chromium = Chromium.start();
        chromium.open(stack.url("/tests/lab.html"));
        String address = chromium.script(ORIGINAL_EXAMPLE + "window.conformanceEcho = bs; return address;");
        chromium.await(d -> chromium.<Boolean>script("return conformanceEcho.readyState === BrowserSocket.OPEN"));
        URI uri = URI.create(address);
        host = uri.getHost();
        port = uri.getPort();
        prefix = uri.getRawPath();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (chromium != null) {
            chromium.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** A raw peer connected (upgrade done) to the echo server at {@code prefix + resource}. */
    RawWebSocket connect(String resource) throws IOException {
        return RawWebSocket.open(host, port, prefix + resource);
    }

    /**
     * A raw peer connected to the lab page's echoing listener {@code name} (opened on first use),
     * whose handlers record every callback in the page's {@code events}.
     */
    RawWebSocket connectToRecordingListener(String name) throws IOException {
        String labPrefix = labPrefixes.get(name);
        if (labPrefix == null) {
            Map<String, Object> address = chromium.script("return openListener(arguments[0], {echo: true})", name);
            chromium.await(d -> chromium.<Boolean>script(
                    "return listeners[arguments[0]].readyState === BrowserSocket.OPEN", name));
            labPrefix = String.valueOf(address.get("prefix"));
            labPrefixes.put(name, labPrefix);
        }
        return RawWebSocket.open(host, port, labPrefix + "peer");
    }

    /**
     * The first event the lab page recorded for listener {@code name} with type {@code type},
     * waiting up to {@code wait}; null if none came.
     */
    Map<String, Object> pageEvent(String name, String type, Duration wait) {
        try {
            return new WebDriverWait(chromium.driver(), wait, Duration.ofMillis(20)).until(d -> {
                List<Map<String, Object>> events = chromium.script(
                        "return events.filter(e => e.listener === arguments[0] && e.type === arguments[1])", name, type);
                return events.isEmpty() ? null : events.get(0);
            });
        } catch (TimeoutException none) {
            return null;
        }
    }
}
