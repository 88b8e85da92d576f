package org.browsersocket.swarm.origin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.browsersocket.packaging.ScriptBundle;
import org.browsersocket.swarm.manifest.ContentTypes;

/**
 * A site's origin: serves the files of a site directory (with its signed manifest under
 * {@code swarm/}), the swarm's scripts, the page's settings as {@code /swarm-config.js}, and counts
 * the bytes of site files it sends ({@code /swarm/origin-stats.json}), which is what a swarm saves.
 * Single byte ranges, ETags and 304s; nothing outside the directory is ever read.
 */
public final class OriginServer implements AutoCloseable {
    /** The swarm script's path at the origin; the service worker imports it. */
    public static final String SWARM_SCRIPT = "/browsersocket-swarm.js";
    /** The service worker's path: it must be at the origin, at or above the pages it serves. */
    public static final String WORKER_SCRIPT = "/browsersocket-swarm-worker.js";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private volatile String config;
    private final byte[] swarmScript = ScriptBundle.SWARM.classicScript().getBytes(StandardCharsets.UTF_8);
    private final byte[] workerScript = ("// The site's service worker: answers the pages' requests for manifest paths through the swarm.\n"
            + "importScripts('" + SWARM_SCRIPT + "');\nBrowserSocketSwarm.worker();\n").getBytes(StandardCharsets.UTF_8);
    private final AtomicLong siteBytes = new AtomicLong();
    private final AtomicLong siteRequests = new AtomicLong();

    private OriginServer(HttpServer server, ExecutorService executor, Path root, String config) {
        this.server = server;
        this.executor = executor;
        this.root = root;
        this.config = config;
    }

    /**
     * Serves {@code root} on {@code host:port} (0: any free port). {@code pageSettings} is the JSON
     * object published to pages as {@code window.BrowserSocketSwarmSite} by {@code /swarm-config.js}.
     */
    public static OriginServer start(String host, int port, Path root, String pageSettings) throws IOException {
        // The JDK's server writes a response's head and body apart; without TCP_NODELAY a small file
        // waits for the client's delayed ACK (40 ms here). Read when the first server is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "swarm-origin");
            t.setDaemon(true);
            return t;
        });
        OriginServer origin = new OriginServer(server, executor, root.toRealPath(), configScript(pageSettings));
        server.createContext("/", origin::serve);
        server.setExecutor(executor);
        server.start();
        return origin;
    }

    /** Publishes other settings to the pages from now on (a JSON object, as for {@link #start}). */
    public void useSettings(String pageSettings) {
        config = configScript(pageSettings);
    }

    private static String configScript(String pageSettings) {
        return "// Where this site's pages find their swarm's settings.\nwindow.BrowserSocketSwarmSite = " + pageSettings + ";\n";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Bytes of site files sent so far (the scripts, settings and these statistics not counted). */
    public long siteBytesServed() {
        return siteBytes.get();
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
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case SWARM_SCRIPT -> send(exchange, 200, "application/javascript; charset=utf-8", swarmScript);
                case WORKER_SCRIPT -> send(exchange, 200, "application/javascript; charset=utf-8", workerScript);
                case "/swarm-config.js" -> send(exchange, 200, "application/javascript; charset=utf-8", config.getBytes(StandardCharsets.UTF_8));
                case "/swarm/origin-stats.json" -> send(exchange, 200, "application/json",
                        ("{\"siteBytes\":" + siteBytes.get() + ",\"siteRequests\":" + siteRequests.get() + "}\n").getBytes(StandardCharsets.UTF_8));
                default -> serveFile(exchange, path.endsWith("/") ? path + "index.html" : path);
            }
        }
    }

    private void serveFile(HttpExchange exchange, String path) throws IOException {
        Path file = resolve(path);
        if (file == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body = Files.readAllBytes(file); // site files are small; the manifest bounds what pages fetch
        String etag = "\"" + digest(body) + "\"";
        exchange.getResponseHeaders().set("ETag", etag);
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        String type = ContentTypes.forPath(file.getFileName().toString());
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        boolean counted = !path.startsWith("/swarm/");
        if (m != null && m.matches()) {
            long start = Long.parseLong(m.group(1));
            long end = m.group(2).isEmpty() ? body.length - 1 : Math.min(body.length - 1, Long.parseLong(m.group(2)));
            if (start > end) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + body.length);
            byte[] part = java.util.Arrays.copyOfRange(body, (int) start, (int) end + 1);
            count(exchange, counted, part.length);
            send(exchange, 206, type, part);
            return;
        }
        count(exchange, counted, body.length);
        send(exchange, 200, type, body);
    }

    private void count(HttpExchange exchange, boolean counted, long bytes) {
        if (counted && exchange.getRequestMethod().equals("GET")) {
            siteBytes.addAndGet(bytes);
            siteRequests.incrementAndGet();
        }
    }

    /** The regular file under the root that {@code path} names, or null (outside, hidden, missing, a link out). */
    private Path resolve(String path) throws IOException {
        if (path.contains("\\") || path.contains("/.") || path.contains("//")) {
            return null;
        }
        Path file = root.resolve(path.substring(1)).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return file.toRealPath().startsWith(root) ? file : null;
    }

    private static String digest(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
