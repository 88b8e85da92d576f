package org.browsersocket.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny static web site on 127.0.0.1 that a browser reaches under a public-looking name such as
 * {@code app.example} (map the name with {@link ChromiumOptions#publicSite}, which also marks the
 * port's address space public). It serves registered in-memory pages, then files from a directory,
 * then classpath resources, each with a content type taken from the file name.
 */
public final class PublicSite implements AutoCloseable {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"), Map.entry("wasm", "application/wasm"));

    /** One in-memory response body. */
    private record Content(String type, byte[] body) {}

    private final String hostname;
    private final boolean secure;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Content> pages = new ConcurrentHashMap<>();
    private volatile Path directory;
    private volatile String resourcePrefix;

    private PublicSite(String hostname, boolean secure, HttpServer server) {
        this.hostname = hostname;
        this.secure = secure;
        this.server = server;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "public-site-" + hostname);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** An http site named {@code hostname} on 127.0.0.1 and a free port. */
    public static PublicSite http(String hostname) throws IOException {
        return new PublicSite(hostname, false, HttpServer.create(loopback(), 0));
    }

    /** An https site named {@code hostname}, presenting a certificate that {@code ca} issues for the name. */
    public static PublicSite https(String hostname, TestCertificateAuthority ca) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext(hostname)));
        return new PublicSite(hostname, true, server);
    }

    /** Serves the files under {@code root} (after the in-memory pages). */
    public PublicSite directory(Path root) {
        this.directory = root.toAbsolutePath().normalize();
        return this;
    }

    /** Serves the classpath resources under {@code prefix} (e.g. "demo"; after pages and directory). */
    public PublicSite resources(String prefix) {
        this.resourcePrefix = prefix.replaceAll("^/+|/+$", "");
        return this;
    }

    /** Serves {@code html} at {@code path}. */
    public PublicSite page(String path, String html) {
        return content(path, TYPES.get("html"), html.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves {@code body} with {@code contentType} at {@code path}. */
    public PublicSite content(String path, String contentType, byte[] body) {
        pages.put(path, new Content(contentType, body.clone()));
        return this;
    }

    /** The name the browser uses, e.g. {@code app.example}. */
    public String hostname() {
        return hostname;
    }

    /** The real port on 127.0.0.1. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The site's origin, e.g. {@code https://app.example:40123}. */
    public String origin() {
        return (secure ? "https" : "http") + "://" + hostname + ":" + port();
    }

    /** The URL of {@code path} (which starts with "/") on this site. */
    public String url(String path) {
        return origin() + path;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/")) {
                path += "index.html";
            }
            Content content = find(path);
            if (content == null) {
                byte[] body = ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", TYPES.get("txt"));
                exchange.sendResponseHeaders(404, method.equals("HEAD") ? -1 : body.length);
                if (!method.equals("HEAD")) {
                    exchange.getResponseBody().write(body);
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", content.type());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : content.body().length == 0 ? -1 : content.body().length);
            if (!method.equals("HEAD") && content.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content.body());
                }
            }
        }
    }

    private Content find(String path) throws IOException {
        Content page = pages.get(path);
        if (page != null) {
            return page;
        }
        if (path.contains("..")) {
            return null;
        }
        Path root = directory;
        if (root != null) {
            Path file = root.resolve(path.substring(1)).normalize();
            if (file.startsWith(root) && Files.isRegularFile(file)) {
                return new Content(typeOf(path), Files.readAllBytes(file));
            }
        }
        String prefix = resourcePrefix;
        if (prefix != null) {
            String name = (prefix.isEmpty() ? "" : prefix + "/") + path.substring(1);
            try (InputStream in = PublicSite.class.getClassLoader().getResourceAsStream(name)) {
                if (in != null) {
                    return new Content(typeOf(path), in.readAllBytes());
                }
            } catch (UncheckedIOException | IOException directoryResource) {
                return null;
            }
        }
        return null;
    }

    private static String typeOf(String path) {
        int dot = path.lastIndexOf('.');
        String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static InetSocketAddress loopback() throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    }
}
