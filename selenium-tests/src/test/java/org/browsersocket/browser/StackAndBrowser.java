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
    private LocalStack stack;
    private Chromium chromium;

    private StackAndBrowser(boolean withBrowser) {
        this.withBrowser = withBrowser;
    }

    /** The stack and one browser. */
    static StackAndBrowser withChromium() {
        return new StackAndBrowser(true);
    }

    /** The stack only; the tests start their own browsers. */
    static StackAndBrowser stackOnly() {
        return new StackAndBrowser(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        stack = LocalStack.start();
        if (withBrowser) {
            chromium = Chromium.start();
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
