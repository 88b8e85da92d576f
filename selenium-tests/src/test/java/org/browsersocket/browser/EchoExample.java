package org.browsersocket.browser;

/** The original BrowserSocket usage example, as pages of the tests carry it, unchanged. */
final class EchoExample {
    /** The example itself, exactly as the original proposal wrote it. */
    static final String CODE = """
            function EchoHandler() { this.onmessage = function (msg) { this.send(msg.data); }; }
            function echoHandlerFactory() { return new EchoHandler(); }
            var bs = new BrowserSocket(echoHandlerFactory);
            var address = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix;
            """;

    private EchoExample() {}

    /**
     * A page that loads the library with {@code libraryTags} (script tags; none with the extension),
     * runs the example, and records its errors with the time they took in {@code window.failures}.
     */
    static String page(String libraryTags) {
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>echo</title>
                %s
                </head><body><script>
                window.failures = [];
                window.started = performance.now();
                </script><script>
                %s
                </script><script>
                if (typeof bs !== 'undefined') {
                  bs.onerror = function (e) { failures.push({ message: e.message, after: performance.now() - started }); };
                  bs.onpending = function (e) { failures.push({ pending: e.message }); };
                }
                </script></body></html>
                """.formatted(libraryTags, CODE);
    }
}
