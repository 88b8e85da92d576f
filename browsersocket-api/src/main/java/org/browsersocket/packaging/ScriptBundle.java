package org.browsersocket.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One delivery of the JavaScript library, assembled from the fragments under
 * {@code browsersocket/lib/} and one entry under {@code browsersocket/entries/}: the fragments
 * share one scope (a classic script's function or an ES module), so they need no bundler.
 */
public enum ScriptBundle {
    /** What the runtime serves as {@code /browsersocket.js}, with the page's grant minted in. */
    RUNTIME(library("runtime-script.js"), List.of("BrowserSocket", "BrowserSocketDiscovery", "BrowserSocketConnect")),
    /**
     * What the runtime serves as {@code /unite.js}: {@link #RUNTIME} (the same grant marker) plus Opera
     * Unite's web server API, {@code opera.io.webserver}, on one listener opened as the script runs.
     */
    UNITE(unite(library("runtime-script.js")), List.of("BrowserSocket", "BrowserSocketDiscovery", "BrowserSocketConnect")),
    /** The site's own copy (the npm package): asks the runtime for a grant. */
    SITE(library("site-copy.js"), List.of("BrowserSocket", "BrowserSocketDiscovery", "BrowserSocketConnect")),
    /** The extension's page script: reaches the runtime through the extension. */
    EXTENSION(library("extension-page.js", "lib/extension-link.js"),
            List.of("BrowserSocket", "BrowserSocketDiscovery", "BrowserSocketConnect")),
    /**
     * {@code browsersocket-connect.js}: only the peer's side ({@code BrowserSocketConnect.connect}), for
     * pages that connect to listeners without loading the runtime's script.
     */
    CONNECT(List.of("lib/connect.js"), List.of("BrowserSocketConnect")),
    /**
     * {@code browsersocket-swarm.js}: a site's static files served by its visitors' pages to each
     * other, verified against the site's signed manifest; the same script runs in the page and, as
     * {@code BrowserSocketSwarm.worker()}, in its service worker. Listens with the page's BrowserSocket.
     */
    SWARM(List.of("lib/events.js", "swarm/encoding.js", "lib/discovery.js", "swarm/manifest.js", "swarm/swarm-store.js",
            "swarm/swarm-peers.js", "swarm/swarm-fetcher.js", "swarm/swarm-server.js", "swarm/swarm.js",
            "swarm/swarm-worker.js"), List.of("BrowserSocketSwarm"));

    /** Where the declarations of the standalone connect script begin and end in browsersocket.d.ts. */
    static final String CONNECT_DECLARATIONS_BEGIN = "// @connect-declarations-begin";
    static final String CONNECT_DECLARATIONS_END = "// @connect-declarations-end";

    private final List<String> fragments;
    private final List<String> globals;

    ScriptBundle(List<String> fragments, List<String> globals) {
        this.fragments = fragments;
        this.globals = globals;
    }

    /** The library's fragments in the order they must run, with the entry (how the page reaches its runtime). */
    private static List<String> library(String entry, String... extraFragments) {
        List<String> all = new ArrayList<>(List.of("lib/wire.js", "lib/events.js", "lib/connect.js",
                "lib/candidates.js", "lib/connection.js", "lib/byte-range.js", "lib/outgoing-response.js",
                "lib/http-exchange.js", "lib/request-event.js", "lib/control-channel.js", "lib/browser-socket.js"));
        all.addAll(List.of(extraFragments));
        all.add("entries/" + entry);
        all.add("lib/discovery.js");
        return List.copyOf(all);
    }

    /** A library with the Opera Unite layer over it, started last (it opens a listener). */
    private static List<String> unite(List<String> library) {
        List<String> all = new ArrayList<>(library);
        all.addAll(List.of("lib/unite-request.js", "lib/unite-response.js", "lib/unite-webserver.js",
                "entries/unite-runtime.js"));
        return List.copyOf(all);
    }

    /** The bundle as a classic script: one function scope, the API set on the global object. */
    public String classicScript() {
        StringBuilder out = new StringBuilder(header())
                .append("(function (global) {\n'use strict';\n\n").append(body());
        for (String name : globals) {
            out.append("global.").append(name).append(" = ").append(name).append(";\n");
        }
        return out.append("})(typeof window !== 'undefined' ? window : self);\n").toString();
    }

    /** The bundle as an ES module exporting the API (and setting no globals). */
    public String module() {
        String exports = String.join(", ", globals) + (this == CONNECT ? ", connect" : "");
        return header() + "var global = typeof window !== 'undefined' ? window : self;\n\n" + body()
                + "export { " + exports + " };\n";
    }

    /**
     * The TypeScript declarations of this bundle's globals (of the module's exports, with
     * {@code moduleExports}): the whole browsersocket.d.ts (for {@link #UNITE} followed by unite.d.ts),
     * or for {@link #CONNECT} its part between the connect markers.
     */
    public String declarations(boolean moduleExports) {
        if (this == SWARM) {
            String swarm = read("browsersocket/browsersocket-swarm.d.ts");
            return moduleExports ? swarm + "\nexport { BrowserSocketSwarm };\n" + typeExports(swarm) : swarm;
        }
        String all = read("browsersocket/browsersocket.d.ts");
        if (this == UNITE) {
            all += "\n" + read("browsersocket/unite.d.ts");
        }
        if (this != CONNECT) {
            return moduleExports ? all + "\nexport { " + String.join(", ", globals) + " };\n" + typeExports(all) : all;
        }
        int begin = all.indexOf(CONNECT_DECLARATIONS_BEGIN);
        int end = all.indexOf(CONNECT_DECLARATIONS_END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("browsersocket.d.ts lacks the connect declarations' markers");
        }
        String part = """
                /**
                 * TypeScript declarations of browsersocket-connect.js: connecting to a BrowserSocket listener
                 * through the first of its ways in that answers (no host runtime needed).
                 */
                """ + all.substring(begin + CONNECT_DECLARATIONS_BEGIN.length(), end).strip() + "\n";
        return moduleExports ? part + "\nexport { BrowserSocketConnect };\n"
                + "export declare const connect: typeof BrowserSocketConnect.connect;\n" + typeExports(part) : part;
    }

    /** An export of every interface and type the declarations name, for modules that use them. */
    private static String typeExports(String declarations) {
        Matcher m = Pattern.compile("(?m)^(?:interface|type) (\\w+)").matcher(declarations);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return "export type { " + String.join(", ", names) + " };\n";
    }

    private String header() {
        if (this == UNITE) {
            return """
                    /**
                     * Opera Unite's web server API (opera.io.webserver) on BrowserSocket: this page answers
                     * HTTP requests under its listener's prefix, as a Unite service did under its service path.
                     *
                     *   opera.io.webserver.addEventListener('_index', function (e) {
                     *     e.connection.response.write('<p>Hello</p>'); e.connection.response.close();
                     *   }, false);
                     */
                    """;
        }
        if (this == SWARM) {
            return """
                    /**
                     * BrowserSocket swarm: a site's static files from its visitors' pages, verified against
                     * the site's signed manifest, the origin when no peer has them.
                     *
                     *   var swarm = BrowserSocketSwarm.start({ publicKey: '…', discovery: 'http://127.0.0.1:7060' });
                     *   swarm.fetch('assets/hero.png').then(function (r) { return r.blob(); });
                     */
                    """;
        }
        if (this == CONNECT) {
            return """
                    /**
                     * BrowserSocket connect: open a WebSocket to the first of a listener's ways in that answers.
                     *
                     *   BrowserSocketConnect.connect(['ws://203.0.113.11:7041/…/', 'wss://relay.example:443/…/'])
                     *     .then(function (ws) { ws.onmessage = …; ws.send('hello'); });
                     */
                    """;
        }
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
        for (String fragment : fragments) {
            out.append(read("browsersocket/" + fragment)).append('\n');
        }
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
