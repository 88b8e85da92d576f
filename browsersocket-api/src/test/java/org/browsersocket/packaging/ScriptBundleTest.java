package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each delivery of the library defines the globals pages rely on: evaluated by Node.js (with
 * {@code window} as the global object), as a classic script and as a module.
 */
class ScriptBundleTest {
    private static final Path WORK = Path.of("target/bundles");

    private static String evaluate(String file, String script, String probe) throws Exception {
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve(file), script);
        String program = file.endsWith(".mjs")
                ? "globalThis.window = globalThis; import('./" + file + "').then(m => { " + probe + " });"
                : "globalThis.window = globalThis; require('./" + file + "'); " + probe;
        Process node = new ProcessBuilder("node", "--input-type=module", "-e",
                file.endsWith(".mjs") ? program : "import { createRequire } from 'module';"
                        + "const require = createRequire(process.cwd() + '/');" + program)
                .directory(WORK.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        node.waitFor(1, TimeUnit.MINUTES);
        return out;
    }

    @Test
    void everyLibraryScriptHasBrowserSocketConnectAndTheStandaloneHelperUnderOneName() throws Exception {
        String probe = "console.log(typeof BrowserSocket.connect === 'function'"
                + " && BrowserSocket.connect === BrowserSocketConnect.connect, BrowserSocket.provider)";
        assertEquals("true runtime", evaluate("runtime.js", ScriptBundle.RUNTIME.classicScript(), probe));
        assertEquals("true site", evaluate("site.js", ScriptBundle.SITE.classicScript(), probe));
        assertEquals("true extension", evaluate("extension.js", ScriptBundle.EXTENSION.classicScript(), probe));
    }

    @Test
    void theUniteScriptIsTheRuntimesWithItsGrantMarkerOnce() throws Exception {
        String unite = ScriptBundle.UNITE.classicScript();
        String marker = "/*@RUNTIME_CONFIG@*/null";
        assertEquals(unite.indexOf(marker), unite.lastIndexOf(marker));
        assertTrue(unite.contains(marker), "the runtime mints the page's grant in where browsersocket.js has it");
        String runtime = ScriptBundle.RUNTIME.classicScript();
        String library = runtime.substring(runtime.indexOf("(function (global)"), runtime.indexOf("global.BrowserSocket = "));
        assertTrue(unite.contains(library), "unite.js runs browsersocket.js's library as it is, then the Unite layer");
    }

    @Test
    void theUniteScriptDefinesTheLibrarysGlobalsAndWithoutAGrantNoWebServer() throws Exception {
        assertEquals("unite.js must be loaded from a BrowserSocket host runtime (e.g. http://127.0.0.1:7040/unite.js)\n"
                + "true runtime undefined", evaluate("unite.js", ScriptBundle.UNITE.classicScript(),
                "console.log(typeof BrowserSocket.connect === 'function' && typeof BrowserSocketDiscovery === 'function',"
                        + " BrowserSocket.provider, typeof opera)"));
    }

    @Test
    void theStandaloneConnectScriptDefinesOnlyBrowserSocketConnect() throws Exception {
        assertEquals("undefined function", evaluate("connect.js", ScriptBundle.CONNECT.classicScript(),
                "console.log(typeof BrowserSocket, typeof BrowserSocketConnect.connect)"));
        assertEquals("connect,BrowserSocketConnect true undefined", evaluate("connect.mjs", ScriptBundle.CONNECT.module(),
                "console.log(Object.keys(m).sort().reverse().join(), m.connect === m.BrowserSocketConnect.connect,"
                        + " typeof globalThis.BrowserSocketConnect)"));
    }

    @Test
    void connectRejectsCandidatesWithoutAUrl() throws Exception {
        assertEquals("TypeError", evaluate("connect-args.mjs", ScriptBundle.CONNECT.module(),
                "m.connect([{}]).catch(e => console.log(e.name))"));
    }
}
