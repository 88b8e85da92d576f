package org.browsersocket.discovery.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.browsersocket.discovery.limits.DiscoveryLimits;
import org.browsersocket.service.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed input to the JSON API and the XML-RPC gateway is the client's mistake: a 4xx (or an
 * XML-RPC fault) with a readable message, never a 500, never a stack trace, and nothing logged as
 * a failure of the service.
 */
class MalformedInputTest {
    @RegisterExtension
    static final EmbeddedDiscovery SERVICE = new EmbeddedDiscovery(new DiscoveryLimits(1e6, 1e6, 1L << 30, 8, 100));

    /** Warnings the service logs: each one is a request it failed to handle. */
    private final List<LogRecord> failures = new ArrayList<>();
    private final Logger serviceLog = Logger.getLogger("org.browsersocket");
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (failures) {
                    failures.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void record() {
        serviceLog.addHandler(recorder);
    }

    @AfterEach
    void noFailureWasLogged() {
        serviceLog.removeHandler(recorder);
        synchronized (failures) {
            assertEquals(List.of(), failures.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        }
    }

    /** Sends {@code request} (with {@code Connection: close}) and reads the whole response. */
    static String exchange(String request) throws Exception {
        try (RawHttp client = RawHttp.connect(SERVICE.port())) {
            return client.send(request).readAll(Duration.ofSeconds(5));
        }
    }

    static String get(String target) throws Exception {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    }

    static String post(String target, String contentType, byte[] body) throws Exception {
        return exchange("POST " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1));
    }

    static int status(String response) {
        return response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
    }

    /** A 4xx (or a 200 XML-RPC answer) without a stack trace; {@code what} names the input. */
    static void assertClientError(String response, String what) {
        int status = status(response);
        assertTrue(status >= 200 && status < 500, what + " -> " + response);
        assertFalse(response.contains("Exception") || response.contains("\tat ") || response.contains(".java:"),
                what + " -> " + response);
    }

    @Test
    void aBadPercentEscapeInAPlacemarkIs400() throws Exception {
        for (String query : List.of("placemark=%zz", "placemark=%", "max=%G0", "placemark=%E0%A4%A")) {
            String response = get("/v1/values/lobby?" + query);
            assertEquals(400, status(response), query + " -> " + response);
            assertTrue(response.contains("{\"error\":\"malformed request (400 Bad Request)"), response);
            assertTrue(response.contains("Access-Control-Allow-Origin: *"), response);
        }
    }

    @Test
    void aBodyCutShortIs400AndStoresNothing() throws Exception {
        try (RawHttp client = RawHttp.connect(SERVICE.port())) {
            String response = client.send("POST /v1/values/aborted HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"value\":\"half").endOutput().readAll(Duration.ofSeconds(5));
            assertEquals(400, status(response), response);
            assertTrue(response.contains("the request body ended early"), response);
        }
        assertTrue(get("/v1/values/aborted").contains("\"values\":[]"));
    }

    @Test
    void anEmptyOrNonObjectJsonBodyIs400() throws Exception {
        for (String body : List.of("", "null", "[]", "42", "\"text\"", "{", "[".repeat(5000))) {
            String response = post("/v1/values/empty", "application/json", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, status(response), body + " -> " + response);
        }
    }

    @Test
    void deepMarkupInAnXmlRpcMethodNameIsAFaultOverHttp() throws Exception {
        String response = post("/RPC2", "text/xml", ("<methodCall><methodName>" + "<a>".repeat(9000) + "</a>".repeat(9000)
                + "</methodName></methodCall>").getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, status(response), response);
        assertTrue(response.contains("<int>3</int>") && response.contains("elements nested deeper than 128 levels"), response);
        assertClientError(response, "deep methodName");
    }

    // ---- random malformed input, bounded and repeatable

    private static final String[] ODD = {"", "%", "%zz", "%00", "%C3%28", "%ED%A0%80", "+", "..", "%2F", "a b", "\u00e9",
        "x".repeat(2000), "<script>", "'\"", "\\", "null", "-1", "99999999999999999999", "1e309", "NaN", "0x10", "%u0041"};

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String percentEncoded(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append(random.nextBoolean() ? String.format("%%%02X", random.nextInt(256)) : pick(random, ODD));
        }
        return text.toString();
    }

    private static String jsonValue(Random random, int depth) {
        switch (depth > 3 ? random.nextInt(6) : random.nextInt(9)) {
            case 0: return "null";
            case 1: return String.valueOf(random.nextLong());
            case 2: return pick(random, "1.5", "-0", "1e400", "604801", "0", "true", "false", "-2147483649");
            case 3: return "\"" + pick(random, ODD).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 4: return "\"" + Base64.getEncoder().encodeToString(bytes(random, random.nextInt(40))) + "\"";
            case 5: return "\"" + "ab".repeat(random.nextInt(30)) + "\"";
            case 6: return "[" + jsonValue(random, depth + 1) + "," + jsonValue(random, depth + 1) + "]";
            case 7: return "{\"" + pick(random, "value", "ttl", "secret", "x") + "\":" + jsonValue(random, depth + 1) + "}";
            default: return "{" + "[".repeat(random.nextInt(3000));
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String jsonBody(Random random, String... fields) {
        StringBuilder body = new StringBuilder("{");
        for (String field : fields) {
            if (random.nextInt(4) > 0) {
                body.append(body.length() > 1 ? "," : "").append('"').append(field).append("\":").append(jsonValue(random, 0));
            }
        }
        String text = body.append('}').toString();
        return random.nextInt(8) == 0 ? text.substring(0, random.nextInt(text.length())) : text;
    }

    private static String xmlValue(Random random, int depth) {
        switch (depth > 4 ? random.nextInt(7) : random.nextInt(10)) {
            case 0: return "<value><int>" + pick(random, ODD) + "</int></value>";
            case 1: return "<value><int>" + random.nextInt() + "</int></value>";
            case 2: return "<value><base64>" + Base64.getEncoder().encodeToString(bytes(random, random.nextInt(30))) + "</base64></value>";
            case 3: return "<value><base64>" + pick(random, "%%%", "====", "a", "") + "</base64></value>";
            case 4: return "<value><string>" + pick(random, "SHA", "MD5", "", "x".repeat(300)) + "</string></value>";
            case 5: return "<value><double>" + pick(random, "1.5", "1e999", "NaN", "-0", "x") + "</double></value>";
            case 6: return "<value>" + pick(random, "<boolean>2</boolean>", "<nil/>", "<dateTime.iso8601>x</dateTime.iso8601>",
                    "text", "<i4>7</i4><i4>8</i4>") + "</value>";
            case 7: return "<value><array><data>" + xmlValue(random, depth + 1) + xmlValue(random, depth + 1) + "</data></array></value>";
            case 8: return "<value><struct><member><name>" + pick(random, "a", "<b/>", "") + "</name>" + xmlValue(random, depth + 1)
                    + "</member></struct></value>";
            default: return "<value><array>" + "<data>".repeat(random.nextInt(200)) + "</array></value>";
        }
    }

    private static String xmlCall(Random random) {
        StringBuilder call = new StringBuilder(pick(random, "", "<?xml version=\"1.0\"?>",
                "<?xml version=\"1.0\" encoding=\"no-such-charset\"?>", "<?xml version=\"1.1\"?>"));
        call.append("<methodCall><methodName>").append(pick(random, "put", "put_removable", "get", "get_details", "rm",
                "system.listMethods", "", "<a>".repeat(random.nextInt(300)), "p\u00fct")).append("</methodName><params>");
        for (int i = random.nextInt(8); i > 0; i--) {
            call.append("<param>").append(xmlValue(random, 0)).append("</param>");
        }
        String text = call.append("</params></methodCall>").toString();
        return random.nextInt(6) == 0 ? text.substring(0, random.nextInt(text.length())) : text;
    }

    @Test
    void fourHundredRandomMalformedRequestsGetNoServerErrorAndNoStackTrace() throws Exception {
        Random random = new Random(20_261_130);
        for (int i = 0; i < 400; i++) {
            String name = random.nextInt(4) == 0 ? pick(random, ODD) : percentEncoded(random);
            String what;
            String response;
            switch (random.nextInt(7)) {
                case 0 -> {
                    what = "GET values " + name;
                    response = get("/v1/values/" + name + "?" + pick(random, "max=", "placemark=", "max=5&placemark=")
                            + percentEncoded(random));
                }
                case 1 -> {
                    String body = jsonBody(random, "value", "base64", "ttl", "secret");
                    what = "put " + body;
                    response = post("/v1/values/" + name, "application/json", body.getBytes(StandardCharsets.UTF_8));
                }
                case 2 -> {
                    String body = jsonBody(random, "value", "base64", "hash", "secret");
                    what = "remove " + body;
                    response = post("/v1/values/" + name + "/remove", "application/json", body.getBytes(StandardCharsets.UTF_8));
                }
                case 3 -> {
                    String body = jsonBody(random, "publicKey", "value", "base64", "sequence", "signature");
                    what = "signed " + body;
                    response = post("/v1/signed/" + name, "application/json", body.getBytes(StandardCharsets.UTF_8));
                }
                case 4 -> {
                    what = "GET signed " + name;
                    response = get("/value/" + percentEncoded(random) + "/" + name);
                }
                case 5 -> {
                    byte[] body = bytes(random, random.nextInt(200));
                    what = "random body";
                    response = post(pick(random, "/RPC2", "/", "/v1/values/x", "/v1/signed/x"),
                            pick(random, "text/xml", "application/json", "application/octet-stream"), body);
                }
                default -> {
                    String call = xmlCall(random);
                    what = "XML-RPC " + call;
                    response = post(pick(random, "/RPC2", "/"), "text/xml", call.getBytes(StandardCharsets.UTF_8));
                }
            }
            assertClientError(response, "#" + i + " " + what);
        }
    }
}
