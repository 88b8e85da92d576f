package org.browsersocket.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The library as a package a site serves itself ({@code browsersocket-api/target/npm/browsersocket}):
 * an ES module, a classic script (which reads the runtime's URL from its tag's
 * {@code data-runtime}), the standalone connect helper (module and classic script) for pages that
 * only connect, and the TypeScript declarations of each.
 */
public final class NpmPackage {
    private NpmPackage() {}

    /** Writes the package into {@code dir} (created if needed). */
    public static void write(Path dir, String version) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("browsersocket.mjs"), ScriptBundle.SITE.module());
        Files.writeString(dir.resolve("browsersocket.js"), ScriptBundle.SITE.classicScript());
        Files.writeString(dir.resolve("browsersocket.d.ts"), ScriptBundle.SITE.declarations(false));
        Files.writeString(dir.resolve("browsersocket.d.mts"), ScriptBundle.SITE.declarations(true));
        Files.writeString(dir.resolve("browsersocket-connect.mjs"), ScriptBundle.CONNECT.module());
        Files.writeString(dir.resolve("browsersocket-connect.js"), ScriptBundle.CONNECT.classicScript());
        Files.writeString(dir.resolve("browsersocket-connect.d.ts"), ScriptBundle.CONNECT.declarations(false));
        Files.writeString(dir.resolve("browsersocket-connect.d.mts"), ScriptBundle.CONNECT.declarations(true));
        Files.writeString(dir.resolve("browsersocket-swarm.mjs"), ScriptBundle.SWARM.module());
        Files.writeString(dir.resolve("browsersocket-swarm.js"), ScriptBundle.SWARM.classicScript());
        Files.writeString(dir.resolve("browsersocket-swarm.d.ts"), ScriptBundle.SWARM.declarations(false));
        Files.writeString(dir.resolve("browsersocket-swarm.d.mts"), ScriptBundle.SWARM.declarations(true));
        Files.writeString(dir.resolve("package.json"), """
                {
                  "name": "@browsersocket/client",
                  "version": "%s",
                  "description": "BrowserSocket: accept WebSocket connections in a web page, through the BrowserSocket host runtime on the user's device.",
                  "license": "MIT",
                  "type": "module",
                  "main": "./browsersocket.js",
                  "module": "./browsersocket.mjs",
                  "types": "./browsersocket.d.ts",
                  "exports": {
                    ".": {
                      "import": { "types": "./browsersocket.d.mts", "default": "./browsersocket.mjs" },
                      "default": { "types": "./browsersocket.d.ts", "default": "./browsersocket.js" }
                    },
                    "./classic": "./browsersocket.js",
                    "./connect": {
                      "import": { "types": "./browsersocket-connect.d.mts", "default": "./browsersocket-connect.mjs" },
                      "default": { "types": "./browsersocket-connect.d.ts", "default": "./browsersocket-connect.js" }
                    },
                    "./connect/classic": "./browsersocket-connect.js",
                    "./swarm": {
                      "import": { "types": "./browsersocket-swarm.d.mts", "default": "./browsersocket-swarm.mjs" },
                      "default": { "types": "./browsersocket-swarm.d.ts", "default": "./browsersocket-swarm.js" }
                    },
                    "./swarm/classic": "./browsersocket-swarm.js"
                  },
                  "files": ["browsersocket.mjs", "browsersocket.js", "browsersocket.d.ts", "browsersocket.d.mts",
                            "browsersocket-connect.mjs", "browsersocket-connect.js", "browsersocket-connect.d.ts",
                            "browsersocket-connect.d.mts", "browsersocket-swarm.mjs", "browsersocket-swarm.js",
                            "browsersocket-swarm.d.ts", "browsersocket-swarm.d.mts", "README.md"]
                }
                """.formatted(version));
        Files.writeString(dir.resolve("README.md"), """
                # @browsersocket/client

                Accept WebSocket connections in a web page. The page reaches the BrowserSocket host
                runtime on the user's device (http://127.0.0.1:7040 by default); browsers ask the user
                to allow that (Local Network Access, the `loopback-network` permission) and grant it
                only to https pages.

                ```html
                <script src="/js/browsersocket.js" data-runtime="http://127.0.0.1:7040"></script>
                <script>
                  var bs = new BrowserSocket(function () { return { onmessage: function (m) { this.send(m.data); } }; });
                  bs.ready.then(function () { console.log('ws://127.0.0.1:' + bs.port + bs.resourcePrefix); },
                                function (e) { console.log('not listening: ' + e.message); });
                </script>
                ```

                or, as a module: `import { BrowserSocket } from '@browsersocket/client';`
                (`BrowserSocket.runtime = 'http://127.0.0.1:PORT'` before the first listener for
                another runtime). `port` and `resourcePrefix` are known once `ready` resolves; a
                refused permission, an http page or an absent runtime reject `ready` and call
                `onerror` with a message that says what to do.

                ## Reaching a listener

                `bs.reachableUrls()` lists every way other machines can reach a listener, best first
                (`{url, kind, family, host, port, secure, detail, confirmed}`; kinds `public`, `mapped`,
                `ipv6`, `teredo`, `relay`); `bs.onreachability` tells when they change. A peer opens
                the first that answers with `BrowserSocket.connect(candidates, protocols, options)`,
                trying them Happy Eyeballs style (staggered starts, first to open wins, the others
                closed). Pages that do not listen can load only that helper: `browsersocket-connect.js`
                (a classic script defining `BrowserSocketConnect.connect`) or
                `import { connect } from '@browsersocket/client/connect';`.

                ```js
                BrowserSocketConnect.connect(urls, ['chat.v1'], { stagger: 250, timeout: 10000 })
                  .then(function (ws) { console.log('connected via ' + ws.candidate.url); ws.send('hi'); },
                        function (e) { console.log(e.errors.map(function (x) { return x.message; })); });
                ```

                ## Answering HTTP

                The same prefix answers plain HTTP requests. `bs.onrequest` gets a fetch `Request`
                (every header the client sent, its `path` after the prefix, its `remoteAddress`) and
                returns a `Response` or a promise of one; `bs.addEventListener('request', e =>
                e.respondWith(...))` works like a Service Worker's fetch event. A listener with neither
                answers 426 (WebSocket only).

                ```js
                bs.onrequest = function (request) {
                  return new Response('<h1>Hello from ' + request.path + '</h1>', { headers: { 'content-type': 'text/html' } });
                };
                ```
                """);
    }
}
