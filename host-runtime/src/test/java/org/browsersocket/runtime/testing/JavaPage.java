package org.browsersocket.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A page as the runtime sees it, written in Java: it fetches {@code browsersocket.js} for its
 * grant, opens the control channel with an Origin, and speaks the control protocol. With
 * {@link #echoing()} it behaves like the original echo example.
 */
public final class JavaPage extends WebSocketClient {
    /** A message for or from one connection, as carried in a binary control frame. */
    public record Data(byte kind, int conn, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final ControlCodec CODEC = new ControlCodec();
    private final JsonNode config;
    private final BlockingQueue<ControlMessage> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Data> data = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile boolean echo;

    private JavaPage(JsonNode config, Map<String, String> headers) {
        super(URI.create(config.get("control").asText()), headers);
        this.config = config;
        setConnectionLostTimeout(0);
    }

    /** Loads the script from the runtime's control endpoint and opens the control channel. */
    public static JavaPage open(String controlUrl, String origin) throws Exception {
        return open(controlUrl, origin == null ? Map.of() : Map.of("Origin", origin));
    }

    /** Like {@link #open(String, String)}, with the control channel's request headers given. */
    public static JavaPage open(String controlUrl, Map<String, String> headers) throws Exception {
        JavaPage page = new JavaPage(fetchConfig(controlUrl), headers);
        page.connect();
        try {
            page.opened.get(10, TimeUnit.SECONDS); // it may already be closed again (a refused origin)
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("control channel did not open", e);
        }
        return page;
    }

    /** The configuration object the runtime minted into the script. */
    public static JsonNode fetchConfig(String controlUrl) throws Exception {
        String script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(controlUrl + "/browsersocket.js")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String marker = "var config = ";
        int start = script.indexOf(marker) + marker.length();
        return new ObjectMapper().readTree(script.substring(start, script.indexOf(";\n", start)));
    }

    /** Sends hello and opens listener 0; returns the {@code ws://} base URL of that listener. */
    public String listen() throws InterruptedException {
        send(new ControlMessage.Hello(token()));
        expect(ControlMessage.Welcome.class);
        return listen(0);
    }

    public String listen(int index) throws InterruptedException {
        send(new ControlMessage.Listen(index));
        ControlMessage.Listening listening = expect(ControlMessage.Listening.class);
        return "ws://127.0.0.1:" + listening.port() + listening.prefix();
    }

    /** From now on, accept every handshake and echo every message back. */
    public JavaPage echoing() {
        echo = true;
        return this;
    }

    public String token() {
        return config.get("token").asText();
    }

    public List<String> prefixes() {
        List<String> prefixes = new ArrayList<>();
        config.get("prefixes").forEach(p -> prefixes.add(p.asText()));
        return prefixes;
    }

    public int publicPort() {
        return config.get("port").asInt();
    }

    public void send(ControlMessage message) {
        send(CODEC.encode(message));
    }

    public void sendData(byte kind, int conn, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(DataFrame.HEADER_BYTES + payload.length);
        frame.put(kind).putInt(conn).put(payload).flip();
        send(frame);
    }

    /** The next control message of this type, skipping others; fails after 10 s. */
    public <T extends ControlMessage> T expect(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ControlMessage> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            ControlMessage message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (type.isInstance(message)) {
                return type.cast(message);
            }
            if (message != null) {
                skipped.add(message);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 10 s; got " + skipped);
    }

    public Data nextData() throws InterruptedException {
        Data next = data.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no data frame within 10 s");
        }
        return next;
    }

    /** Close code of the control channel, once it closed. */
    public CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        opened.complete(null);
    }

    @Override
    public void onMessage(String text) {
        try {
            ControlMessage message = CODEC.decode(text);
            if (echo && message instanceof ControlMessage.Handshake handshake) {
                send(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
            }
            messages.add(message);
        } catch (ControlCodec.MalformedControlMessage e) {
            throw new AssertionError("runtime sent a malformed control message: " + text, e);
        }
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
        byte kind = bytes.get();
        int conn = bytes.getInt();
        byte[] payload = new byte[bytes.remaining()];
        bytes.get(payload);
        if (echo) {
            sendData(kind, conn, payload);
            return;
        }
        data.add(new Data(kind, conn, payload));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(code);
    }

    @Override
    public void onError(Exception ex) {}
}
