package org.browsersocket.packaging;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A script bundle as the runtime serves it (a page's grant minted in: prefixes /p/ and /q/),
 * driven under Node.js by a stand-in for the runtime's end of the control channel (the test
 * resource node/fake-runtime.js, which replaces WebSocket).
 */
final class FakeRuntime {
    private static final Path DIR = Path.of("target/fake-runtime");
    private static final String CONFIG = "{\"control\":\"ws://127.0.0.1:7040/control\",\"port\":7041,\"token\":\"t\","
            + "\"prefixes\":[\"/p/\",\"/q/\"],\"maxMessageBytes\":16777216}";

    private FakeRuntime() {}

    /**
     * Runs `scenario`, the body of an async function with `runtime` at hand (loaded before the
     * bundle, then the bundle), to its end; returns what it printed.
     */
    static String run(ScriptBundle bundle, String scenario) throws Exception {
        Files.createDirectories(DIR);
        try (InputStream in = FakeRuntime.class.getResourceAsStream("/node/fake-runtime.js")) {
            Files.write(DIR.resolve("fake-runtime.js"), in.readAllBytes());
        }
        String script = bundle.name().toLowerCase() + ".js";
        String library = bundle.classicScript();
        if (!library.contains("/*@RUNTIME_CONFIG@*/null")) {
            throw new IllegalStateException(bundle + " has no runtime configuration marker");
        }
        Files.writeString(DIR.resolve(script), library.replace("/*@RUNTIME_CONFIG@*/null", CONFIG));
        return NodeProgram.run(DIR, "const runtime = require('./fake-runtime.js');\nrequire('./" + script + "');\n"
                + "(async () => {\n" + scenario + "\n})().then(() => process.exit(0),"
                + " (e) => { console.log('FAILED', e); process.exit(1); });\n");
    }
}
