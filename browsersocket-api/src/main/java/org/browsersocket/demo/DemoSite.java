package org.browsersocket.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.browsersocket.cli.ExitCodes;
import org.browsersocket.cli.HelpLayout;
import org.browsersocket.cli.ReleaseVersion;
import org.browsersocket.packaging.ScriptBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo site: serves the demo pages bundled under {@code demo/} in this jar. Pages include the
 * library from {@code http://127.0.0.1:7040}; with {@code --runtime} the site points them at a
 * runtime elsewhere (tests run runtimes on free ports).
 */
@Command(name = "demo-site", mixinStandardHelpOptions = true, versionProvider = ReleaseVersion.class,
        usageHelpAutoWidth = true, description = "Serves the BrowserSocket demo pages.")
public final class DemoSite implements AutoCloseable {
    /** The runtime URL the demo pages are written against. */
    public static final String DEFAULT_RUNTIME = "http://127.0.0.1:7040";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "application/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "json", "application/json", "png", "image/png");
    /**
     * Pages under this path (the evaluation's, from selenium-tests) are served cross-origin
     * isolated, so Chromium gives their {@code performance.now()} its fine resolution (5 us rather
     * than 100 us); no other page gets these headers. COEP is {@code credentialless}, not
     * {@code require-corp}: the pages load {@code browsersocket.js} from the host runtime, another
     * origin that sends no {@code Cross-Origin-Resource-Policy}, which require-corp would block;
     * credentialless loads it (without cookies, which it needs none of) and isolates the page
     * just the same. WebSockets are not subject to COEP.
     */
    static final String ISOLATED_PREFIX = "/experiments/";
    private static final Map<String, String> ISOLATION_HEADERS = Map.of(
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Embedder-Policy", "credentialless",
            "Cross-Origin-Resource-Policy", "same-origin");

    /** Where the demo pages find the services, published to them as {@code /demo-config.js}. */
    public record Services(String addressV4, String addressV6, String discovery, String relay) {
        public static final Services DEFAULT = new Services("http://127.0.0.1:7050", "http://[::1]:7050",
                "http://127.0.0.1:7060");

        /** Services without a relay. */
        public Services(String addressV4, String addressV6, String discovery) {
            this(addressV4, addressV6, discovery, null);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpServer server;
    private volatile String runtime;
    private volatile Services services = Services.DEFAULT;

    private DemoSite(HttpServer server, String runtime) {
        this.server = server;
        this.runtime = runtime;
    }

    /** Serves the demo pages on {@code host:port} (port 0 = any free), pointing them at {@code runtime}. */
    public static DemoSite start(String host, int port, String runtime) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        DemoSite site = new DemoSite(server, runtime);
        server.createContext("/", site::serve);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-site");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return site;
    }

    /** Points the pages at other service endpoints from now on. */
    public void useServices(Services services) {
        this.services = services;
    }

    /** Points the pages at another runtime from now on. */
    public void pointAt(String runtimeUrl) {
        this.runtime = runtimeUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                reply(exchange, 405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/demo-config.js")) {
                reply(exchange, 200, TYPES.get("js"), demoConfig().getBytes(StandardCharsets.UTF_8));
                return;
            }
            // The standalone connect helper, for pages that connect to listeners without the runtime.
            if (path.equals("/lib/browsersocket-connect.js") || path.equals("/lib/browsersocket-connect.mjs")) {
                String script = path.endsWith(".mjs") ? ScriptBundle.CONNECT.module() : ScriptBundle.CONNECT.classicScript();
                reply(exchange, 200, TYPES.get("js"), script.getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.endsWith("/")) {
                path += "index.html";
            }
            if (path.contains("..") || path.contains("//")) {
                reply(exchange, 400, "text/plain", "bad path\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body;
            try (InputStream in = DemoSite.class.getClassLoader().getResourceAsStream("demo" + path)) {
                if (in == null) {
                    reply(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                body = in.readAllBytes();
            }
            String extension = path.substring(path.lastIndexOf('.') + 1);
            if (extension.equals("html") && !runtime.equals(DEFAULT_RUNTIME)) {
                body = new String(body, StandardCharsets.UTF_8).replace(DEFAULT_RUNTIME + "/", runtime + "/")
                        .getBytes(StandardCharsets.UTF_8);
            }
            if (path.startsWith(ISOLATED_PREFIX)) {
                ISOLATION_HEADERS.forEach(exchange.getResponseHeaders()::set);
            }
            reply(exchange, 200, TYPES.getOrDefault(extension, "application/octet-stream"), body);
        }
    }

    private String demoConfig() throws IOException {
        Services s = services;
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        Map<String, String> address = new java.util.LinkedHashMap<>();
        address.put("ipv4", s.addressV4());
        address.put("ipv6", s.addressV6());
        config.put("addressServices", address);
        config.put("discoveryService", s.discovery());
        if (s.relay() != null) {
            config.put("relay", s.relay());
        }
        return "// Where this demo site's pages find the BrowserSocket services.\nwindow.BrowserSocketDemo = "
                + JSON.writeValueAsString(config) + ";\n";
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Option(names = "--port", paramLabel = "PORT", description = "Port to serve on (0 = any free). Default: ${DEFAULT-VALUE}.")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "HOST", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
    String bind = "127.0.0.1";

    @Option(names = "--runtime", paramLabel = "URL", description = "Host runtime the pages load browsersocket.js from. Default: ${DEFAULT-VALUE}.")
    String runtimeUrl = DEFAULT_RUNTIME;

    @Option(names = "--address-service-v4", paramLabel = "URL", description = "Address service the pages ask over IPv4. Default: ${DEFAULT-VALUE}.")
    String addressV4 = Services.DEFAULT.addressV4();

    @Option(names = "--address-service-v6", paramLabel = "URL", description = "Address service the pages ask over IPv6. Default: ${DEFAULT-VALUE}.")
    String addressV6 = Services.DEFAULT.addressV6();

    @Option(names = "--discovery-service", paramLabel = "URL", description = "Discovery service. Default: ${DEFAULT-VALUE}.")
    String discovery = Services.DEFAULT.discovery();

    @Option(names = "--relay", paramLabel = "URL", description = "A relay the runtime registers with, e.g. "
            + "http://127.0.0.1:7043: the notes demo lists its address there. Default: none.")
    String relay;

    public static void main(String[] args) {
        DemoSite options = new DemoSite(null, DEFAULT_RUNTIME);
        CommandLine cli = HelpLayout.applyTo(new CommandLine(options));
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            if (CommandLine.printHelpIfRequested(cli.parseArgs(args))) {
                return;
            }
        } catch (CommandLine.ParameterException e) {
            err.println("demo-site: " + e.getMessage() + " (see --help)");
            System.exit(ExitCodes.BAD_USAGE);
        }
        try {
            DemoSite site = start(options.bind, options.port, options.runtimeUrl);
            site.useServices(new Services(options.addressV4, options.addressV6, options.discovery, options.relay));
            System.out.println("demo-site listening: http://" + options.bind + ":" + site.port() + "/");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                site.close();
                System.out.println("demo-site stopped");
            }));
        } catch (BindException e) {
            err.println("demo-site: cannot listen on port " + options.port + ": " + e.getMessage());
            System.exit(ExitCodes.FAILURE);
        } catch (IOException e) {
            err.println("demo-site: cannot start: " + e.getMessage());
            System.exit(ExitCodes.FAILURE);
        }
    }
}
