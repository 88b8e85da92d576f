package org.browsersocket.runtime.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.browsersocket.runtime.consent.ConsentBook;
import org.browsersocket.runtime.consent.ConsentDesk;
import org.browsersocket.runtime.consent.Decision;
import org.browsersocket.runtime.consent.Origins;
import org.browsersocket.runtime.page.PageSession;

/**
 * The status page's consent actions ({@code POST /consent}): allow, allow once, deny or revoke an
 * origin. Only the status page itself may act: the request must come from the page's own origin
 * (its {@code Origin} header, and {@code Sec-Fetch-Site: same-origin} where the browser sends it)
 * and carry the token minted into that page, which no other site can read.
 */
public final class ConsentActions {
    /** An HTTP answer: status and JSON body. */
    public record Answer(int status, String json) {}

    static final int MAX_BODY_BYTES = 4096;
    private static final String TOKEN_HEADER = "X-BrowserSocket-Token";
    private static final Logger LOG = Logger.getLogger("browsersocket.consent");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsentDesk desk;
    private final String token;

    public ConsentActions(ConsentDesk desk) {
        this.desk = desk;
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The token the status page presents with its actions. */
    public String token() {
        return token;
    }

    /** Pending requests and standing decisions, for the status page. */
    public String stateJson() {
        ConsentBook.Entries entries = desk.book().entries();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("pending", desk.pending());
        state.put("allowed", entries.allowed());
        state.put("denied", entries.denied());
        state.put("allowedByFlag", entries.allowedByFlag());
        state.put("file", desk.book().file() == null ? null : desk.book().file().toString());
        return write(state);
    }

    /** Handles {@code POST /consent} addressed to {@code host} (already checked to be loopback). */
    public Answer handle(FullHttpRequest request, String host, Collection<PageSession> sessions) {
        String refusal = forbidden(request, host);
        if (refusal != null) {
            LOG.warning("refused a consent action: " + refusal);
            return error(403, refusal);
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "consent actions are JSON: {\"origin\": ..., \"decision\": \"allow|once|deny|revoke\"}");
        }
        if (request.content().readableBytes() > MAX_BODY_BYTES) {
            return error(413, "a consent action is at most " + MAX_BODY_BYTES + " bytes");
        }
        Map<?, ?> body;
        try {
            body = JSON.readValue(request.content().toString(StandardCharsets.UTF_8), Map.class);
        } catch (IOException e) {
            return error(400, "not JSON");
        }
        if (body == null || !(body.get("origin") instanceof String origin) || !Origins.isOrigin(origin)) {
            return error(400, "\"origin\" must be an http(s) origin such as https://app.example");
        }
        String word = body.get("decision") instanceof String w ? w : null;
        try {
            if ("revoke".equals(word)) {
                boolean had = desk.book().revoke(origin);
                int closed = 0;
                for (PageSession session : sessions) {
                    if (!session.viaExtension() && ConsentBook.normalize(session.origin()).equals(ConsentBook.normalize(origin))) {
                        session.revoke("the user revoked " + ConsentBook.normalize(origin)
                                + " on this device's BrowserSocket runtime; its listeners were closed");
                        closed++;
                    }
                }
                LOG.info("the user revoked " + origin + (closed > 0 ? "; closed " + closed + " page(s)" : ""));
                return new Answer(200, write(Map.of("revoked", had, "pagesClosed", closed)));
            }
            Decision decision = Decision.parse(word);
            if (decision == null) {
                return error(400, "\"decision\" must be allow, once, deny or revoke");
            }
            int released = desk.decide(origin, decision);
            return new Answer(200, write(Map.of("released", released)));
        } catch (IOException e) {
            return error(500, "cannot record the decision: " + e.getMessage());
        }
    }

    /** Why this request may not act, or null: it must come from the status page itself. */
    private String forbidden(FullHttpRequest request, String host) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null || !origin.equalsIgnoreCase("http://" + host)) {
            return "consent actions are accepted only from this runtime's status page (Origin http://" + host + ")";
        }
        String site = request.headers().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return "consent actions are accepted only from this runtime's status page (Sec-Fetch-Site " + site + ")";
        }
        String presented = request.headers().get(TOKEN_HEADER);
        if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            return "missing or wrong " + TOKEN_HEADER + " (reload the status page)";
        }
        return null;
    }

    private static Answer error(int status, String message) {
        return new Answer(status, write(Map.of("error", message)));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
