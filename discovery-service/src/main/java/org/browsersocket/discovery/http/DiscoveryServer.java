package org.browsersocket.discovery.http;

import java.time.Clock;
import java.util.Objects;
import java.util.logging.Logger;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.limits.RateLimiter;
import org.browsersocket.discovery.signed.SignedUpdates;
import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.discovery.store.ValueStore;
import org.browsersocket.discovery.xmlrpc.OpenDhtGateway;
import org.browsersocket.discovery.xmlrpc.XmlRpcCodec;
import org.browsersocket.service.http.JsonReplies;
import org.browsersocket.service.http.ServiceServer;
import spark.Route;
import spark.Service;

/**
 * The discovery service (DESIGN §5): OpenDHT's XML-RPC interface at {@code POST /} and
 * {@code POST /RPC2}, the JSON API for browsers ({@link JsonApi}) with a live feed, and signed
 * values, all on one {@link ValueStore}. CORS applies to every answer (see {@link ServiceServer}).
 */
public final class DiscoveryServer extends ServiceServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "discovery-service";
    /** XML-RPC fault code of a call refused by the rate limit (1–4 are the gateway's). */
    public static final int RATE_LIMITED_FAULT = 5;
    /** Largest request body accepted. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(DiscoveryServer.class.getName());

    private final StoreLocation location;
    private final ValueStore store;
    private final WatchHub hub = new WatchHub();
    private final Directory directory;
    private final SignedUpdates signed;
    private final WriteGate writes;

    /**
     * Opens the store (creating an embedded one, or connecting to Redis).
     *
     * @param port          TCP port for IPv4 and IPv6; 0 = any free port
     * @param location      where the data lives
     * @param writesPerSecond per-client rate of writes (puts, removals, signed updates); bursts of 10x
     */
    public DiscoveryServer(int port, StoreLocation location, double writesPerSecond) {
        super(NAME, port);
        this.location = Objects.requireNonNull(location, "location");
        this.store = ValueStore.open(location);
        this.directory = new Directory(store, Clock.systemUTC(), hub);
        this.signed = new SignedUpdates(store);
        this.writes = new WriteGate(new RateLimiter(writesPerSecond, writesPerSecond * 10, System::nanoTime));
    }

    public DiscoveryServer(int port, StoreLocation location) {
        this(port, location, 50);
    }

    /** Where the data lives. */
    public StoreLocation store() {
        return location;
    }

    @Override
    protected void addRoutes(Service http) {
        http.before((request, response) -> {
            long length = request.raw().getContentLengthLong();
            if ("POST".equals(request.requestMethod()) && length < 0) {
                response.type(JsonReplies.CONTENT_TYPE);
                throw http.halt(411, JsonReplies.error("a Content-Length is required"));
            }
            if (length > MAX_BODY_BYTES) {
                response.type(JsonReplies.CONTENT_TYPE);
                throw http.halt(413, JsonReplies.error("request body larger than " + MAX_BODY_BYTES + " bytes"));
            }
        });
        http.exception(BadRequest.class, (exception, request, response) -> {
            response.status(400);
            response.type(JsonReplies.CONTENT_TYPE);
            response.body(JsonReplies.error(exception.getMessage()));
        });

        OpenDhtGateway gateway = new OpenDhtGateway(directory);
        Route xmlRpc = (request, response) -> {
            response.status(200); // XML-RPC answers faults with 200 too
            response.type(XmlRpcCodec.CONTENT_TYPE + "; charset=UTF-8");
            if (!writes.allows(request)) {
                return XmlRpcCodec.writeFault(RATE_LIMITED_FAULT, writes.refusal());
            }
            return gateway.handle(request.raw().getInputStream()); // reads at most the body limit
        };
        http.post("/", xmlRpc);
        http.post("/RPC2", xmlRpc);
        new JsonApi(directory, signed, hub).routes(http, writes);
    }

    @Override
    protected Unmatched unmatched(String method, String path) {
        if (method.equals("GET") || method.equals("HEAD") || method.equals("POST")) {
            return new Unmatched(404, "no such resource; see the service's README for the XML-RPC and JSON APIs");
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
