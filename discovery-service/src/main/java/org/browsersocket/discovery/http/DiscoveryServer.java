package org.browsersocket.discovery.http;

import java.time.Clock;
import java.util.Objects;
import java.util.logging.Logger;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.directory.StorageFull;
import org.browsersocket.discovery.directory.ValueFeed;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.discovery.limits.RateLimited;
import org.browsersocket.discovery.limits.WriteLimits;
import org.browsersocket.discovery.signed.SignedUpdates;
import org.browsersocket.discovery.store.Capacity;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.discovery.store.ValueStore;
import org.browsersocket.discovery.xmlrpc.OpenDhtGateway;
import org.browsersocket.discovery.xmlrpc.XmlRpcCodec;
import org.browsersocket.discovery.xmlrpc.XmlRpcFault;
import org.browsersocket.service.http.ClientKey;
import org.browsersocket.service.http.JsonReplies;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServiceServer;
import spark.Request;
import spark.Response;
import spark.Route;
import spark.Service;

/**
 * The discovery service: OpenDHT's XML-RPC interface at {@code POST /} and
 * {@code POST /RPC2}, a page about the service at {@code GET /} ({@link DiscoveryPage}), the JSON API for browsers ({@link JsonApi}) with live watches
 * ({@link WatchHub}), and signed values, all on one {@link ValueStore}. CORS applies to every
 * answer (see {@link ServiceServer}); so do the connection limits of its {@link Listen}, and the
 * service's own {@link DiscoveryLimits}: write rates per client, puts per name, stored bytes,
 * watches. Malformed input is a 400 (or an XML-RPC fault), never a 500.
 */
public final class DiscoveryServer extends ServiceServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "discovery-service";
    /** XML-RPC fault code of a call refused by the rate limit (1–4 are the gateway's). */
    public static final int RATE_LIMITED_FAULT = XmlRpcFault.RATE_LIMITED;
    /** Largest request body accepted. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(DiscoveryServer.class.getName());

    private final StoreLocation location;
    private final DiscoveryLimits limits;
    private final ValueStore store;
    private final WatchHub hub;
    private final EncodedValues encoded;
    private final Directory directory;
    private final SignedUpdates signed;

    /**
     * Opens the store (creating an embedded one, or connecting to Redis).
     *
     * @param listen   addresses, port and connection limits (request bodies are capped at
     *                 {@link #MAX_BODY_BYTES} whatever they say)
     * @param location where the data lives
     * @param limits   write rates, puts per name, stored bytes and watches
     */
    public DiscoveryServer(Listen listen, StoreLocation location, DiscoveryLimits limits) {
        this(listen, location, limits, Watcher.MAX_PENDING_BYTES);
    }

    /** As above; {@code watchBufferBytes}: most bytes waiting for one watcher that does not read before it is dropped. */
    DiscoveryServer(Listen listen, StoreLocation location, DiscoveryLimits limits, int watchBufferBytes) {
        super(NAME, listen.withLimits(listen.limits().withMaxBodyBytes(
                Math.min(listen.limits().maxBodyBytes(), MAX_BODY_BYTES))));
        this.location = Objects.requireNonNull(location, "location");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.store = ValueStore.open(location);
        Capacity capacity = new Capacity(Limits.MAX_VALUES_PER_KEY, limits.maxStoredBytes());
        WriteLimits writes = new WriteLimits(limits, System::nanoTime);
        this.hub = new WatchHub(store, Clock.systemUTC(), limits.watchesPerClient(), limits.maxWatches(),
                watchBufferBytes);
        // Other instances write to a Redis store too, unseen here: its answers cannot be kept.
        this.encoded = new EncodedValues(location instanceof StoreLocation.Embedded);
        ValueFeed feed = (key, value) -> {
            encoded.published(key, value);
            hub.published(key, value);
        };
        this.directory = new Directory(store, Clock.systemUTC(), feed, writes, capacity);
        this.signed = new SignedUpdates(store, writes, capacity);
    }

    /**
     * @param port            TCP port on every IPv4 and IPv6 address; 0 = any free port
     * @param writesPerSecond per-client rate of writes (puts, removals, signed updates); bursts of 10x
     */
    public DiscoveryServer(int port, StoreLocation location, double writesPerSecond) {
        this(Listen.everywhere(port), location, DiscoveryLimits.DEFAULTS.withWritesPerSecond(writesPerSecond));
    }

    public DiscoveryServer(int port, StoreLocation location) {
        this(Listen.everywhere(port), location, DiscoveryLimits.DEFAULTS);
    }

    /** Where the data lives. */
    public StoreLocation store() {
        return location;
    }

    /** The service's abuse limits. */
    public DiscoveryLimits limits() {
        return limits;
    }

    @Override
    protected void checkRequest(Service http, Request request, Response response) {
        if ("POST".equals(request.requestMethod()) && request.raw().getContentLengthLong() < 0) {
            response.type(JsonReplies.CONTENT_TYPE);
            throw http.halt(411, JsonReplies.error("a Content-Length is required"));
        }
    }

    @Override
    protected void addRoutes(Service http) {
        http.exception(BadRequest.class, (exception, request, response) -> {
            response.status(400);
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error(exception.getMessage()));
        });
        http.exception(RateLimited.class, (exception, request, response) -> {
            response.status(429);
            response.header("Retry-After", String.valueOf(exception.retryAfterSeconds()));
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error(exception.getMessage()));
        });
        http.exception(StorageFull.class, (exception, request, response) -> {
            response.status(507);
            response.header("Retry-After", "3600");
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error(exception.getMessage()));
        });

        OpenDhtGateway gateway = new OpenDhtGateway(directory);
        Route xmlRpc = (request, response) -> {
            response.status(200); // XML-RPC answers faults with 200 too
            response.type(XmlRpcCodec.CONTENT_TYPE + "; charset=UTF-8");
            // Reads at most the body limit; only writes count against the client's rate limits.
            return gateway.handle(request.raw().getInputStream(), ClientKey.of(request.raw()));
        };
        http.post("/", xmlRpc);
        http.post("/RPC2", xmlRpc);
        // GET / is a page about the service (POST / is XML-RPC, above).
        Route page = (request, response) -> {
            response.type("text/html; charset=utf-8");
            return DiscoveryPage.HTML;
        };
        http.get("/", page);
        http.head("/", page);
        new JsonApi(directory, signed, hub, encoded).routes(http);
    }

    @Override
    protected Unmatched unmatched(String method, String path) {
        if (method.equals("GET") || method.equals("HEAD") || method.equals("POST")) {
            return new Unmatched(404, "no such resource; GET / describes the JSON and XML-RPC APIs");
        }
        return new Unmatched(405, "method not allowed; the discovery service answers GET and POST (and OPTIONS)");
    }

    @Override
    protected void beforeStop() {
        hub.close();
    }

    @Override
    protected void afterStop() {
        store.close();
        LOG.fine(() -> "store " + location + " closed");
    }
}
