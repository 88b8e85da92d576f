package org.browsersocket.service.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;


import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** HTTP/1.1 requests to a service under test, and checks of its JSON replies. */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    /** Sends {@code method} to {@code uri} without a body. */
    public static HttpResponse<String> send(String method, URI uri)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).method(method, BodyPublishers.noBody()));
    }

    /** Sends {@code request} with a 10 s time-out and reads the body as a string. */
    public static HttpResponse<String> send(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }

    /** The body as a JSON object; fails the test when the reply is not JSON. */
    public static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("")
                .startsWith("application/json"), () -> "not JSON: " + response.headers());
        return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
    }

    /** Asserts the answer to a request no route took: 404 for GET/HEAD, else 405, with a JSON error. */
    public static void assertUnmatched(HttpResponse<String> response) throws IOException {
        String method = response.request().method();
        int expected = method.equals("GET") || method.equals("HEAD") ? 404 : 405;
        assertEquals(expected, response.statusCode(), () -> method + " " + response.uri());
        assertTrue(json(response).containsKey("error"));
    }
}
