package org.browsersocket.runtime.relay;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A registrant written by hand on a plain WebSocket client, for what the runtime's own link would
 * never do: claim another runtime's prefix, skip hello, attach and then vanish.
 */
final class HandMadeRegistrant extends WebSocketClient {
    private final RelayCodec codec = new RelayCodec();
    private final BlockingQueue<RelayMessage> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final String key;

    HandMadeRegistrant(int relayPort, Map<String, String> headers) {
        this(relayPort, headers, newKey());
    }

    /** A registrant presenting {@code key}: the same runtime again, when it is another's key. */
    HandMadeRegistrant(int relayPort, Map<String, String> headers, String key) {
        super(URI.create("ws://127.0.0.1:" + relayPort + RelayPaths.LINK), headers);
        this.key = key;
    }

    private static String newKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Connected and said hello: the relay's welcome is returned. */
    RelayMessage.Welcome register() throws Exception {
        if (!connectBlocking(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the relay refused the link");
        }
        send(new RelayMessage.Hello(key));
        return (RelayMessage.Welcome) next();
    }

    void send(RelayMessage message) {
        send(codec.encode(message));
    }

    RelayMessage next() throws InterruptedException {
        RelayMessage message = received.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message from the relay within 10 s");
        }
        return message;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {}

    @Override
    public void onMessage(String text) {
        received.add(codec.decode(text));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(code);
    }

    @Override
    public void onError(Exception ex) {}
}
