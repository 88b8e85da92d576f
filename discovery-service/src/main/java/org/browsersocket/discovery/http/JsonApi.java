package org.browsersocket.discovery.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.signed.SignedUpdates;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.SignedValue;
import org.browsersocket.discovery.store.StoredValue;
import org.browsersocket.discovery.store.ValueStore;
import org.browsersocket.service.http.JsonReplies;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The JSON API for browsers (CORS like every answer of the service). Names are hashed to keys with
 * SHA-1 exactly as OpenDHT clients do, so a page and an XML-RPC client see the same values. Values
 * travel as UTF-8 text ({@code value}) or base64 ({@code base64}).
 *
 * <pre>
 * POST /v1/values/{name}         {"value"|"base64", "ttl", "secret"?}  → {"result", "status"}
 * GET  /v1/values/{name}?max=&placemark=                          → {"values":[…], "placemark"}
 * POST /v1/values/{name}/remove  {"hash"|"value"|"base64", "secret"} → {"result", "status"}
 * GET  /v1/watch/{name}          Server-Sent Events: "value" for each live value, "gone" when one leaves
 * POST /v1/signed/{label}        {"publicKey", "value"|"base64", "sequence", "signature"} → {"principal"}
 * GET  /value/{principal}/{label}   the signed value itself (principal: 0–40 hex digits)
 * </pre>
 */
final class JsonApi {
    static final int MAX_NAME_BYTES = 1024;
    private static final int MAX_WATCHERS = 64;
    private static final long RECHECK_MILLIS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Directory directory;
    private final SignedUpdates signed;
    private final WatchHub hub;
    private final AtomicInteger watching = new AtomicInteger();

    JsonApi(Directory directory, SignedUpdates signed, WatchHub hub) {
        this.directory = directory;
        this.signed = signed;
        this.hub = hub;
    }

    void routes(Service http, WriteGate writes) {
        http.post("/v1/values/:name", (req, res) -> writes.admit(req, res, () -> put(req, res)));
        http.get("/v1/values/:name", this::get);
        http.post("/v1/values/:name/remove", (req, res) -> writes.admit(req, res, () -> remove(req, res)));
        http.get("/v1/watch/:name", this::watch);
        http.post("/v1/signed/:label", (req, res) -> writes.admit(req, res, () -> putSigned(req, res)));
        http.get("/value/:principal/:label", this::getSigned);
        http.get("/value/:label", this::getSigned); // principal prefix of 0 digits: any owner
    }

    private Object put(Request req, Response res) throws IOException {
        JsonNode body = body(req);
        byte[] value = valueOf(body);
        int ttl = intOf(body, "ttl");
        ValueStore.PutResult result = body.hasNonNull("secret")
                ? directory.putRemovable(key(req), value, Directory.SHA, Directory.sha1(text(body, "secret")), ttl)
                : directory.put(key(req), value, ttl);
        return reply(res, Map.of("result", result.code, "status", result.name().toLowerCase().replace('_', ' ')));
    }

    private Object get(Request req, Response res) {
        int max = req.queryParams("max") == null ? 100 : parseInt(req.queryParams("max"), "max");
        byte[] placemark = decodeBase64(req.queryParams("placemark") == null ? "" : req.queryParams("placemark"), "placemark");
        Page page = directory.get(key(req), max, placemark);
        List<Map<String, Object>> values = new ArrayList<>();
        long now = directory.now();
        for (StoredValue v : page.values()) {
            values.add(describe(v, now));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("values", values);
        body.put("placemark", Base64.getUrlEncoder().withoutPadding().encodeToString(page.placemark()));
        res.header("Cache-Control", "no-store");
        return reply(res, body);
    }

    private Object remove(Request req, Response res) throws IOException {
        JsonNode body = body(req);
        byte[] hash = body.hasNonNull("hash") ? decodeHex(body.get("hash").asText(), "hash") : Directory.sha1(valueOf(body));
        ValueStore.PutResult result = directory.remove(key(req), hash, Directory.SHA, text(body, "secret"), 1);
        hub.published(key(req), null);
        return reply(res, Map.of("result", result.code, "status", "ok"));
    }

    private Object watch(Request req, Response res) throws IOException {
        byte[] key = key(req);
        if (watching.incrementAndGet() > MAX_WATCHERS) {
            watching.decrementAndGet();
            res.status(503);
            return reply(res, Map.of("error", "too many watchers on this instance (" + MAX_WATCHERS + "); try again later"));
        }
        Semaphore wake = hub.subscribe(key);
        try {
            res.raw().setStatus(200);
            res.raw().setContentType("text/event-stream; charset=utf-8");
            res.raw().setHeader("Cache-Control", "no-store");
            res.raw().setHeader("Access-Control-Allow-Origin", "*");
            OutputStream out = res.raw().getOutputStream();
            Map<String, Long> seen = new HashMap<>();
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            while (!hub.isClosed()) {
                sendChanges(out, directory.all(key), seen);
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush(); // fails once the browser went away, which ends the watch
                wake.tryAcquire(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            }
        } catch (IOException | InterruptedException gone) {
            // the watcher left, or the server is stopping
        } finally {
            hub.unsubscribe(key, wake);
            watching.decrementAndGet();
        }
        return "";
    }

    /** Sends "value" for values new (or refreshed) since the last look, "gone" for those that left. */
    private void sendChanges(OutputStream out, List<StoredValue> now, Map<String, Long> seen) throws IOException {
        long at = directory.now();
        Map<String, Long> current = new HashMap<>();
        for (StoredValue v : now) {
            String hash = HexFormat.of().formatHex(v.valueHash());
            current.put(hash, v.expiresAtMillis());
            if (!Long.valueOf(v.expiresAtMillis()).equals(seen.get(hash))) {
                event(out, "value", describe(v, at));
            }
        }
        for (String hash : seen.keySet()) {
            if (!current.containsKey(hash)) {
                event(out, "gone", Map.of("hash", hash));
            }
        }
        seen.clear();
        seen.putAll(current);
    }

    private static void event(OutputStream out, String name, Object data) throws IOException {
        out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private Object putSigned(Request req, Response res) throws IOException {
        JsonNode body = body(req);
        String label = req.params(":label");
        String principal = signed.update(decodeBase64(textOf(body, "publicKey"), "publicKey"), label, valueOf(body),
                longOf(body, "sequence"), decodeBase64(textOf(body, "signature"), "signature"));
        return reply(res, Map.of("principal", principal, "label", label));
    }

    private Object getSigned(Request req, Response res) {
        String principal = req.params(":principal") == null ? "" : req.params(":principal");
        SignedUpdates.Lookup lookup = signed.lookup(principal, req.params(":label"));
        if (lookup instanceof SignedUpdates.Missing) {
            res.status(404);
            return reply(res, Map.of("error", "no signed value with that principal and label"));
        }
        if (lookup instanceof SignedUpdates.Ambiguous) {
            res.status(409);
            return reply(res, Map.of("error", "that principal prefix matches several owners; give more hex digits"));
        }
        SignedValue value = ((SignedUpdates.Found) lookup).value();
        res.header("X-Principal", HexFormat.of().formatHex(value.principal()));
        res.header("X-Sequence", String.valueOf(value.sequence()));
        res.header("Access-Control-Expose-Headers", "X-Principal, X-Sequence");
        res.header("Cache-Control", "no-store");
        boolean text = utf8(value.value()) != null;
        res.type(text ? "text/plain; charset=utf-8" : "application/octet-stream");
        try {
            res.raw().getOutputStream().write(value.value());
        } catch (IOException ignored) {
            // the caller left
        }
        return "";
    }

    // ---- helpers

    static Map<String, Object> describe(StoredValue v, long now) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("value", utf8(v.value()));
        item.put("base64", Base64.getEncoder().encodeToString(v.value()));
        item.put("hash", HexFormat.of().formatHex(v.valueHash()));
        item.put("ttl", v.ttlRemaining(now));
        item.put("removable", v.secretHash() != null);
        return item;
    }

    private static byte[] key(Request req) {
        String name = req.params(":name");
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new BadRequest("name must be 1.." + MAX_NAME_BYTES + " bytes");
        }
        return Directory.keyOf(name);
    }

    private static JsonNode body(Request req) {
        try {
            JsonNode node = JSON.readTree(req.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw new BadRequest("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequest("the body is not valid JSON");
        }
    }

    private static byte[] valueOf(JsonNode body) {
        if (body.hasNonNull("value") && body.get("value").isTextual()) {
            return body.get("value").asText().getBytes(StandardCharsets.UTF_8);
        }
        if (body.hasNonNull("base64")) {
            return decodeBase64(body.get("base64").asText(), "base64");
        }
        throw new BadRequest("give the value as \"value\" (text) or \"base64\"");
    }

    private static byte[] text(JsonNode body, String field) {
        return textOf(body, field).getBytes(StandardCharsets.UTF_8);
    }

    private static String textOf(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty() || node.asText().length() > 4096) {
            throw new BadRequest("\"" + field + "\" must be a non-empty string");
        }
        return node.asText();
    }

    private static int intOf(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new BadRequest("\"" + field + "\" must be an integer");
        }
        return node.asInt();
    }

    private static long longOf(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.canConvertToLong()) {
            throw new BadRequest("\"" + field + "\" must be an integer");
        }
        return node.asLong();
    }

    private static int parseInt(String text, String name) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be an integer");
        }
    }

    private static byte[] decodeBase64(String text, String name) {
        try {
            return text.contains("-") || text.contains("_") ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(name + " must be base64");
        }
    }

    private static byte[] decodeHex(String text, String name) {
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(name + " must be hex");
        }
    }

    /** The bytes as text if they are valid UTF-8, else null. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String reply(Response res, Object body) {
        res.type(JsonReplies.CONTENT_TYPE);
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
