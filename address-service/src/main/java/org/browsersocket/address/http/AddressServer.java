package org.browsersocket.address.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import inet.ipaddr.IPAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.address.caller.Caller;
import org.browsersocket.address.caller.CallerResolver;
import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.address.teredo.Teredo;
import org.browsersocket.service.http.JsonReplies;
import org.browsersocket.service.http.Listen;
import org.browsersocket.service.http.ServiceServer;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The address service (DESIGN §4): tells callers their address as seen from here, IPv4 or IPv6,
 * with Teredo addresses decoded, and decodes any Teredo address. Every response carries CORS
 * headers (see {@link ServiceServer}), so a page's JavaScript on any origin may ask.
 */
public final class AddressServer extends ServiceServer {

    /** The name the service reports in {@code /healthz} and its output. */
    public static final String NAME = "address-service";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<TrustedProxy> trustedProxies;
    private final ForwardingHeader forwardingHeader;
    private final CallerResolver callers;

    /**
     * @param port           TCP port on every IPv4 and IPv6 address; 0 = any free port
     * @param trustedProxies networks whose {@code X-Forwarded-For} header is honoured
     */
    public AddressServer(int port, List<TrustedProxy> trustedProxies) {
        this(Listen.everywhere(port), trustedProxies, ForwardingHeader.X_FORWARDED_FOR);
    }

    /**
     * @param listen           addresses, port and connection limits
     * @param trustedProxies   networks whose forwarding header is honoured; they are also spared
     *                         the per-client connection cap, as they carry many clients
     * @param forwardingHeader the header those proxies append the client's address to
     */
    public AddressServer(Listen listen, List<TrustedProxy> trustedProxies, ForwardingHeader forwardingHeader) {
        super(NAME, listen);
        this.trustedProxies = List.copyOf(trustedProxies);
        this.forwardingHeader = forwardingHeader;
        this.callers = new CallerResolver(trustedProxies, forwardingHeader);
    }

    /** The configured trusted proxies. */
    public List<TrustedProxy> trustedProxies() {
        return trustedProxies;
    }

    /** The header the trusted proxies append the client's address to. */
    public ForwardingHeader forwardingHeader() {
        return forwardingHeader;
    }

    @Override
    protected boolean exemptFromClientLimits(InetAddress peer) {
        return CallerResolver.parseAddress(peer.getHostAddress())
                .map(address -> trustedProxies.stream().anyMatch(proxy -> proxy.block().contains(address)))
                .orElse(false);
    }

    @Override
    protected void addRoutes(Service http) {
        http.get("/address", this::address);
        http.head("/address", this::address);
        http.get("/teredo/:ipv6", this::teredo);
        http.get("/", (request, response) -> {
            response.type("text/html; charset=utf-8");
            return AddressPage.render(answer(caller(request)));
        });
    }

    @Override
    protected Unmatched unmatched(String method, String path) {
        if (method.equals("GET") || method.equals("HEAD")) {
            return new Unmatched(404, "no such resource; try GET /address or GET /teredo/{ipv6}");
        }
        return new Unmatched(405, "method not allowed; the address service answers GET (and OPTIONS)");
    }

    private Object address(Request request, Response response) {
        Caller caller = caller(request);
        response.header("Cache-Control", "no-store");
        if ("text".equals(request.queryParams("format"))) {
            response.type("text/plain; charset=utf-8");
            return caller.text() + "\n";
        }
        response.type(JsonReplies.CONTENT_TYPE);
        return json(answer(caller));
    }

    private Object teredo(Request request, Response response) {
        response.type(JsonReplies.CONTENT_TYPE);
        IPAddress address = CallerResolver.parseAddress(request.params("ipv6")).orElse(null);
        if (address == null || !address.isIPv6()) {
            response.status(400);
            return JsonReplies.error("not an IPv6 address; expected e.g. /teredo/2001:0:4136:e378:8000:63bf:3fff:fdd2");
        }
        Teredo teredo = Teredo.decode(address.toIPv6()).orElse(null);
        if (teredo == null) {
            response.status(400);
            return JsonReplies.error("not a Teredo address: Teredo addresses are in 2001:0::/32");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("address", address.toCanonicalString());
        body.putAll(JSON.convertValue(teredo, Map.class));
        return json(body);
    }

    private Caller caller(Request request) {
        InetSocketAddress peer = org.eclipse.jetty.server.Request.getBaseRequest(request.raw()).getRemoteInetSocketAddress();
        return callers.resolve(peer.getAddress(), peer.getPort(),
                Collections.list(request.raw().getHeaders("Forwarded")),
                Collections.list(request.raw().getHeaders("X-Forwarded-For")));
    }

    /** The body of {@code GET /address}: ip, version, port, teredo (null unless a Teredo address). */
    static Map<String, Object> answer(Caller caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ip", caller.text());
        body.put("version", caller.version());
        body.put("port", caller.port());
        body.put("teredo", caller.address().isIPv6() ? Teredo.decode(caller.address().toIPv6()).orElse(null) : null);
        return body;
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
