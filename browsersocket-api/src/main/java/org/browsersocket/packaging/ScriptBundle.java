package org.browsersocket.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One delivery of the JavaScript library, assembled from the fragments under
 * {@code browsersocket/lib/} and one entry under {@code browsersocket/entries/}: the fragments
 * share one scope (a classic script's function or an ES module), so they need no bundler.
 */
public enum ScriptBundle {
    /** What the runtime serves as {@code /browsersocket.js}, with the page's grant minted in. */
    RUNTIME("runtime-script.js", List.of()),
    /** The site's own copy (the npm package): asks the runtime for a grant. */
    SITE("site-copy.js", List.of()),
    /** The extension's page script: reaches the runtime through the extension. */
    EXTENSION("extension-page.js", List.of("extension-link.js"));

    private static final List<String> CORE = List.of("wire.js", "events.js", "connection.js",
            "control-channel.js", "browser-socket.js");
    private static final String EXPORTS = "BrowserSocket, BrowserSocketDiscovery";

    private final String entry;
    private final List<String> extraFragments;

    ScriptBundle(String entry, List<String> extraFragments) {
        this.entry = entry;
        this.extraFragments = extraFragments;
    }

    /** The bundle as a classic script: one function scope, the API set on the global object. */
    public String classicScript() {
        StringBuilder out = new StringBuilder(header())
                .append("(function (global) {\n'use strict';\n\n").append(body());
        for (String name : EXPORTS.split(", ")) {
            out.append("global.").append(name).append(" = ").append(name).append(";\n");
        }
        return out.append("})(typeof window !== 'undefined' ? window : self);\n").toString();
    }

    /** The bundle as an ES module exporting the API (and setting no globals). */
    public String module() {
        return header() + "var global = typeof window !== 'undefined' ? window : self;\n\n" + body()
                + "export { " + EXPORTS + " };\n";
    }

    private static String header() {
        return """
                /**
                 * BrowserSocket: a WebSocket *server* in a web page.
                 *
                 *   function EchoHandler() { this.onmessage = function (msg) { this.send(msg.data); }; }
                 *   var bs = new BrowserSocket(function () { return new EchoHandler(); });
                 *   var address = 'ws://127.0.0.1:' + bs.port + bs.resourcePrefix;
                 */
                """;
    }

    private String body() {
        StringBuilder out = new StringBuilder();
        for (String fragment : CORE) {
            out.append(read("browsersocket/lib/" + fragment)).append('\n');
        }
        for (String fragment : extraFragments) {
            out.append(read("browsersocket/lib/" + fragment)).append('\n');
        }
        out.append(read("browsersocket/entries/" + entry)).append('\n');
        out.append(read("browsersocket/lib/discovery.js")).append('\n');
        return out.toString();
    }

    /** A text resource of this module (the library's sources and declarations, the extension's files). */
    public static String read(String resource) {
        try (InputStream in = ScriptBundle.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
