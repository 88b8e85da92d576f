package org.browsersocket.browser;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension for a test class that needs the local stack and, optionally, one Chromium
 * shared by its tests: started before the first test, stopped after the last. Register it on a
 * static field with {@code @RegisterExtension}.
 */
final class StackAndBrowser implements BeforeAllCallback, AfterAllCallback {
    private final boolean withBrowser;
    private final ChromiumOptions options;
    private final boolean withRelay;
    private LocalStack stack;
    private Chromium chromium;

    private StackAndBrowser(boolean withBrowser, ChromiumOptions options, boolean withRelay) {
        this.withBrowser = withBrowser;
        this.options = options;
        this.withRelay = withRelay;
    }

    /** The stack with a relay its runtime registers with, and one browser. */
    static StackAndBrowser withRelayAndChromium() {
        return new StackAndBrowser(true, ChromiumOptions.defaults(), true);
    }

    /** The stack and one browser. */
    static StackAndBrowser withChromium() {
        return withChromium(ChromiumOptions.defaults());
    }

    /** The stack and one browser started with {@code options}. */
    static StackAndBrowser withChromium(ChromiumOptions options) {
        return new StackAndBrowser(true, options, false);
    }

    /** The stack only; the tests start their own browsers. */
    static StackAndBrowser stackOnly() {
        return new StackAndBrowser(false, null, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack = LocalStack.start(withRelay);
        if (withBrowser) {
            chromium = Chromium.start(options);
        }
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

    LocalStack stack() {
        return stack;
    }

    Chromium chromium() {
        return chromium;
    }
}
