package org.browsersocket.discovery.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.directory.StorageFull;
import org.browsersocket.discovery.directory.WrongSecret;
import org.browsersocket.discovery.signed.SignedUpdates;
import org.browsersocket.discovery.store.Page;
import org.browsersocket.discovery.store.SignedValue;
import org.browsersocket.discovery.store.StoredValue;
import org.browsersocket.discovery.store.ValueStore;
import org.browsersocket.service.http.ClientKey;
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
 *
 * Writes count against their client's rate limits (over them: 429); a put the store has no room
 * for is 507. A client is an IPv4 address or an IPv6 /64 ({@link ClientKey}).
 */
final class JsonApi {
    static final int MAX_NAME_BYTES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Directory directory;
    private final SignedUpdates signed;
    private final WatchHub hub;
    private final EncodedValues encoded;

    /** @param encoded answers of {@code GET /v1/values/{name}} kept for reuse; the directory's feed must tell it of writes */
    JsonApi(Directory directory, SignedUpdates signed, WatchHub hub, EncodedValues encoded) {
        this.directory = directory;
        this.signed = signed;
        this.hub = hub;
        this.encoded = encoded;
    }

    void routes(Service http) {
        http.post("/v1/values/:name", this::put);
        http.get("/v1/values/:name", this::get);
        http.post("/v1/values/:name/remove", this::remove);
        http.get("/v1/watch/:name", this::watch);
        http.post("/v1/signed/:label", this::putSigned);
        http.get("/value/:principal/:label", this::getSigned);
        http.get("/value/:label", this::getSigned); // principal prefix of 0 digits: any owner
    }

    private Object put(Request req, Response res) {
        byte[] key = key(req);
        JsonNode body = body(req);
        byte[] value = valueOf(body);
        int ttl = intOf(body, "ttl");
        String client = ClientKey.of(req.raw());
        ValueStore.PutResult result = body.hasNonNull("secret")
                ? directory.putRemovable(client, key, value, Directory.SHA, Directory.sha1(text(body, "secret")), ttl)
                : directory.put(client, key, value, ttl);
        if (result == ValueStore.PutResult.STORAGE_FULL) {
            throw new StorageFull();
        }
        return reply(res, Map.of("result", result.code, "status", result.name().toLowerCase().replace('_', ' ')));
    }

    private Object get(Request req, Response res) {
        int max = req.queryParams("max") == null ? 100 : parseInt(req.queryParams("max"), "max");
        byte[] placemark = decodeBase64(req.queryParams("placemark") == null ? "" : req.queryParams("placemark"), "placemark");
        byte[] key = key(req);
        res.header("Cache-Control", "no-store");
        boolean firstPage = placemark.length == 0;
        String kept = firstPage ? encoded.answer(key, max, directory.now()) : null;
        if (kept != null) {
            res.type(JsonReplies.CONTENT_TYPE);
            return kept;
        }
        long stamp = encoded.stamp();
        Page page = directory.get(key, max, placemark);
        List<Map<String, Object>> values = new ArrayList<>();
        long now = directory.now();
        for (StoredValue v : page.values()) {
            values.add(describe(v, now));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("values", values);
        body.put("placemark", Base64.getUrlEncoder().withoutPadding().encodeToString(page.placemark()));
        String json = reply(res, body);
        if (firstPage) {
            encoded.keep(key, max, stamp, page, now, json);
        }
        return json;
    }

    private Object remove(Request req, Response res) {
        byte[] key = key(req);
        JsonNode body = body(req);
        byte[] hash = body.hasNonNull("hash") ? decodeHex(body.get("hash").asText(), "hash") : Directory.sha1(valueOf(body));
        ValueStore.PutResult result;
        try {
            result = directory.remove(ClientKey.of(req.raw()), key, hash, Directory.SHA, text(body, "secret"), 1);
        } catch (WrongSecret refused) {
            throw new BadRequest(refused.getMessage()); // a browser is told plainly (400)
        }
        return reply(res, Map.of("result", result.code, "status", "ok"));
    }

    /** Starts an event stream that the hub feeds, holding no thread; or refuses it (429/503 JSON). */
    private Object watch(Request req, Response res) throws IOException {
        byte[] key = key(req);
        WatchHub.Refusal refused = hub.watch(ClientKey.of(req.raw()), key, req.raw(), res.raw());
        if (refused != null) {
            res.status(refused.status());
            res.header("Retry-After", "5");
            return reply(res, Map.of("error", refused.message()));
        }
        return ""; // the response is committed and the hub's from now on
    }

    private Object putSigned(Request req, Response res) {
        JsonNode body = body(req);
        String label = req.params(":label");
        String principal = signed.update(ClientKey.of(req.raw()), decodeBase64(textOf(body, "publicKey"), "publicKey"),
                label, valueOf(body), longOf(body, "sequence"), decodeBase64(textOf(body, "signature"), "signature"));
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
        byte[] bytes = req.bodyAsBytes();
        if (bytes == null || bytes.length == 0) {
            throw new BadRequest("the body must be a JSON object");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
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
