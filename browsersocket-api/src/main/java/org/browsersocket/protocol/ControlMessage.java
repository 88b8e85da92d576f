package org.browsersocket.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * A text frame on the control channel between a page and its host runtime, as JSON with a
 * {@code "type"} discriminator. Payload bytes never travel in these messages: they go in binary
 * frames laid out by {@link DataFrame}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ControlMessage.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ControlMessage.Listen.class, name = "listen"),
    @JsonSubTypes.Type(value = ControlMessage.Unlisten.class, name = "unlisten"),
    @JsonSubTypes.Type(value = ControlMessage.Accept.class, name = "accept"),
    @JsonSubTypes.Type(value = ControlMessage.Reject.class, name = "reject"),
    @JsonSubTypes.Type(value = ControlMessage.Close.class, name = "close"),
    @JsonSubTypes.Type(value = ControlMessage.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ControlMessage.Listening.class, name = "listening"),
    @JsonSubTypes.Type(value = ControlMessage.Handshake.class, name = "handshake"),
    @JsonSubTypes.Type(value = ControlMessage.Open.class, name = "open"),
    @JsonSubTypes.Type(value = ControlMessage.Pending.class, name = "pending"),
    @JsonSubTypes.Type(value = ControlMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ControlMessage.Reachability.class, name = "reachability"),
    @JsonSubTypes.Type(value = ControlMessage.Request.class, name = "request"),
    @JsonSubTypes.Type(value = ControlMessage.Response.class, name = "response"),
    @JsonSubTypes.Type(value = ControlMessage.Abort.class, name = "abort"),
    @JsonSubTypes.Type(value = ControlMessage.Publish.class, name = "publish"),
    @JsonSubTypes.Type(value = ControlMessage.Purge.class, name = "purge"),
    @JsonSubTypes.Type(value = ControlMessage.Published.class, name = "published"),
})
public sealed interface ControlMessage {

    // ---- page -> runtime ----

    /**
     * First message of a page: claims the grant (token) minted into the script it loaded. A page
     * served through the extension has no token: its hello carries the prefixes the extension
     * minted and the public port it told the page ({@code prefixes}, {@code port}), and is accepted
     * only on a channel the extension's native host opened. The optional {@code url} and
     * {@code title} are the page's address and title as it reports them, for the runtime's status
     * page: untrusted display text, cut to {@link #MAX_URL_CHARS} and {@link #MAX_TITLE_CHARS}.
     * {@code batches}: the page reads batched data frames ({@link DataFrame#KIND_BATCH}).
     */
    record Hello(String token, List<String> prefixes, Integer port, String url, String title, Boolean batches)
            implements ControlMessage {
        public static final int MAX_URL_CHARS = 2048;
        public static final int MAX_TITLE_CHARS = 256;

        public Hello {
            prefixes = prefixes == null ? null : List.copyOf(prefixes);
            require((token != null && !token.isEmpty()) != (prefixes != null),
                    "hello needs a token (or, from the extension, prefixes)");
            require(prefixes == null || (port != null && !prefixes.isEmpty() && prefixes.size() <= 64),
                    "hello with prefixes needs 1..64 of them and the port");
            url = cut(url, MAX_URL_CHARS);
            title = cut(title, MAX_TITLE_CHARS);
        }

        /** A hello from a page that reads only single data frames. */
        public Hello(String token, List<String> prefixes, Integer port, String url, String title) {
            this(token, prefixes, port, url, title, null);
        }

        public Hello(String token, List<String> prefixes, Integer port) {
            this(token, prefixes, port, null, null);
        }

        public Hello(String token) {
            this(token, null, null);
        }

        private static String cut(String text, int max) {
            return text == null || text.length() <= max ? text : text.substring(0, max);
        }
    }

    /**
     * Opens listener number {@code listener}, i.e. binds the grant's prefix of that index. With
     * {@code credentialHeaders} the page sees its peers' {@code Cookie} and {@code Authorization}
     * headers; otherwise they are withheld from it. A {@code name} asks for the listener's own
     * prefix, the same for this origin and name on every visit, instead of the grant's ({@link
     * Listening} tells which).
     */
    record Listen(int listener, Boolean credentialHeaders,
                  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                  String name) implements ControlMessage {
        public Listen {
            require(listener >= 0, "listener must be >= 0");
            credentialHeaders = Boolean.TRUE.equals(credentialHeaders);
            require(name == null || name.matches("[A-Za-z0-9._-]{1,64}"),
                    "a listener's name is 1 to 64 letters, digits, '.', '_' or '-'");
        }

        public Listen(int listener, Boolean credentialHeaders) {
            this(listener, credentialHeaders, null);
        }

        public Listen(int listener) {
            this(listener, false);
        }
    }

    /** {@code bs.stop()}: closes the listener, its connections, and frees its prefix. */
    record Unlisten(int listener) implements ControlMessage {
        public Unlisten {
            require(listener >= 0, "listener must be >= 0");
        }
    }

    /** The page accepts an incoming handshake, optionally picking a subprotocol and headers. */
    record Accept(int conn, String protocol, Map<String, String> headers) implements ControlMessage {
        public Accept {
            require(conn >= 0, "conn must be >= 0");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    /** The page refuses an incoming handshake with an HTTP status (400..599). */
    record Reject(int conn, int status, String reason) implements ControlMessage {
        public Reject {
            require(conn >= 0, "conn must be >= 0");
            require(status >= 400 && status <= 599, "reject status must be 400..599");
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * A connection closed or is to be closed, in either direction. {@code wasClean} is only
     * meaningful runtime -> page (a page may leave it out).
     */
    record Close(int conn, int code, String reason, Boolean wasClean) implements ControlMessage {
        public Close {
            wasClean = Boolean.TRUE.equals(wasClean);
            require(conn >= 0, "conn must be >= 0");
            require(code >= 1000 && code <= 4999, "close code " + code + " is outside 1000..4999");
            reason = fitCloseReason(reason);
        }
    }

    /**
     * The page's answer to an HTTP {@link Request}: status and headers ({@code [name, value]} pairs,
     * in order, names repeatable). {@code length}: the body's length in bytes when known (sent as
     * {@code Content-Length}), null for a streamed body of unknown length (sent chunked). The body
     * follows as data frames of kind {@link DataFrame#KIND_BODY}, ended by {@link DataFrame#KIND_END}.
     */
    record Response(int conn, int status, List<List<String>> headers, Long length) implements ControlMessage {
        public Response {
            require(conn >= 0, "conn must be >= 0");
            require(status >= 200 && status <= 599, "response status must be 200..599");
            headers = pairs(headers);
            require(length == null || length >= 0, "response length must be >= 0");
        }
    }

    /**
     * An HTTP exchange ends unfinished. Page -> runtime: the page gives up on the request (its
     * handler failed); the client gets 500, or, if the response had begun, a closed connection.
     * Runtime -> page: the client went away or the request failed; the page's request body stream
     * errors with {@code reason}.
     */
    record Abort(int conn, String reason) implements ControlMessage {
        public Abort {
            require(conn >= 0, "conn must be >= 0");
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * {@code bs.publish(path, response)}: the page hands a response to the relays that route its
     * listener (its agents), to be served at {@code prefix + path} while the page is away. {@code id}
     * is the page's own, in {@link #PAGE_IDS} (never a runtime-chosen id); the body follows as data
     * frames of kind {@link DataFrame#KIND_BODY} with that id, ended by {@link DataFrame#KIND_END}.
     * The runtime answers {@link Published}.
     */
    record Publish(int listener, long id, String path, int status, List<List<String>> headers, Long length)
            implements ControlMessage {
        public Publish {
            require(listener >= 0, "listener must be >= 0");
            require(id >= PAGE_IDS && id <= 0xFFFF_FFFFL, "publish id must be in 2^31..2^32-1");
            require(path != null && path.startsWith("/") && path.length() <= 2048, "publish path must start with / (at most 2048 characters)");
            require(status >= 200 && status <= 599, "publish status must be 200..599");
            headers = pairs(headers);
            require(length == null || length >= 0, "publish length must be >= 0");
        }
    }

    /** The page asks its agents to forget what they keep for a listener: one path, or all (null). */
    record Purge(int listener, String path) implements ControlMessage {
        public Purge {
            require(listener >= 0, "listener must be >= 0");
            require(path == null || path.startsWith("/"), "purge path must start with /");
        }
    }

    /** Ids from here up are the page's to choose ({@link Publish}); the runtime's stay below. */
    long PAGE_IDS = 1L << 31;

    // ---- runtime -> page ----

    /**
     * A {@link Publish} (or, with {@code id} null, a {@link Purge}) reached {@code agents} relays;
     * {@code reason} says why not where it reached none.
     */
    record Published(Long id, int listener, int agents, String reason) implements ControlMessage {
        public Published {
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * An HTTP request (not a WebSocket upgrade) for one of the page's listeners; the page answers
     * with {@link Response} (or {@link Abort}). {@code url}: the absolute URL the client asked for;
     * {@code resource}: its path and query, starting with the listener's prefix; {@code headers}:
     * {@code [name, value]} pairs as they came (names in lower case), credential headers withheld
     * unless the listener asked for them. With {@code body}, the request's body follows as data
     * frames of kind {@link DataFrame#KIND_BODY}, ended by {@link DataFrame#KIND_END}.
     */
    record Request(int conn, int listener, String method, String url, String resource, List<List<String>> headers,
                   String remoteAddress, boolean body) implements ControlMessage {
        public Request {
            headers = pairs(headers);
        }
    }

    /**
     * The runtime accepted the page's hello. {@code batches}: the runtime reads batched data frames
     * ({@link DataFrame#KIND_BATCH}), and sends them if the hello said the page reads them.
     */
    record Welcome(int port, int maxMessageBytes, Boolean batches) implements ControlMessage {}

    /** A listener is bound: peers may now connect to {@code ws://HOST:port + prefix + ...}. */
    record Listening(int listener, String prefix, int port) implements ControlMessage {}

    /** A peer wants to connect; the page answers with {@link Accept} or {@link Reject}. */
    record Handshake(int conn, int listener, String resource, String origin, List<String> protocols,
                     Map<String, String> headers, String remoteAddress) implements ControlMessage {}

    /** The handshake completed; the connection is open. */
    record Open(int conn, String protocol) implements ControlMessage {}

    /**
     * The page's listeners wait for the user to allow its origin ({@code listener} null: all of
     * them); {@code consentUrl} is where the user answers.
     */
    record Pending(Integer listener, String reason, String consentUrl) implements ControlMessage {}

    /**
     * Something the page asked for failed. {@code listener} names the listener concerned, or is
     * null; {@code fatal} means the control channel is about to close.
     */
    record Error(Integer listener, String reason, boolean fatal) implements ControlMessage {}

    /**
     * The ways into this runtime's public port from other machines, best first; sent after
     * {@link Welcome} and again whenever they change. A listener's URL on a candidate is
     * {@code base + prefix}.
     */
    record Reachability(List<Candidate> candidates) implements ControlMessage {
        public Reachability {
            candidates = candidates == null ? List.of() : List.copyOf(candidates);
        }
    }

    /**
     * One way in. {@code kind}: {@code public} (the machine's own global address), {@code mapped}
     * (a mapping on the gateway), {@code ipv6} (a native global IPv6 address), {@code teredo},
     * {@code relay}. {@code base}: scheme, host and port, e.g. {@code wss://relay.example:443};
     * {@code detail}: how it was obtained, for people.
     */
    record Candidate(String kind, int family, String base, String detail) {
        public static final List<String> KINDS = List.of("public", "mapped", "ipv6", "teredo", "relay");

        public Candidate {
            require(KINDS.contains(kind), "candidate kind must be one of " + KINDS);
            require(family == 4 || family == 6, "candidate family must be 4 or 6");
            require(base != null && base.matches("wss?://[^/]+"), "candidate base must be ws[s]://host:port");
            detail = detail == null ? "" : detail;
        }
    }

    /** Header pairs: each a {@code [name, value]} list. */
    private static List<List<String>> pairs(List<List<String>> headers) {
        if (headers == null) {
            return List.of();
        }
        for (List<String> pair : headers) {
            require(pair != null && pair.size() == 2 && pair.get(0) != null && pair.get(1) != null,
                    "headers must be [name, value] pairs");
        }
        return headers.stream().map(List::copyOf).toList();
    }

    /** A close reason must fit the 123 bytes a close frame leaves for it; longer ones are cut. */
    static String fitCloseReason(String reason) {
        if (reason == null) {
            return "";
        }
        String fitted = reason;
        while (fitted.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            fitted = fitted.substring(0, fitted.length() - 1);
        }
        return fitted;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
