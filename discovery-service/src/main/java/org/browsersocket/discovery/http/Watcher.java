package org.browsersocket.discovery.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import org.browsersocket.discovery.store.StoredValue;

/**
 * One live watch: a Server-Sent Events stream on an asynchronous response, written without
 * blocking (servlet non-blocking output), so it holds no thread between events. Events wait in a
 * queue until the connection can take them; a client that stops reading while more than
 * {@value #MAX_PENDING_BYTES} bytes pile up is dropped (its browser reconnects). Knows which
 * values its client has seen, to send only what changed.
 */
final class Watcher implements WriteListener, AsyncListener {
    /** Most bytes queued for a client that does not read; a key's 1000 values fit. */
    static final int MAX_PENDING_BYTES = 4 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    final String client;
    final byte[] key;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Consumer<Watcher> onClose;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private boolean needsFlush;
    private boolean draining;
    private boolean closed;
    /** Hash (hex) → expiry of the values the client was told of; used by the hub's thread only. */
    private final Map<String, Long> seen = new HashMap<>();

    /** Takes over {@code async}'s response, whose headers were already sent; {@code onClose} runs once at the end. */
    Watcher(String client, byte[] key, AsyncContext async, Consumer<Watcher> onClose) throws IOException {
        this.client = client;
        this.key = key;
        this.async = async;
        this.onClose = onClose;
        this.out = async.getResponse().getOutputStream();
        async.addListener(this);
        out.setWriteListener(this); // from now on, writes never block
        send("retry: 2000\n\n");
    }

    /** Sends "value" for values new (or refreshed) since the last look, "gone" for those that left. */
    void update(List<StoredValue> values, long now) {
        StringBuilder events = new StringBuilder();
        Map<String, Long> current = new HashMap<>();
        for (StoredValue v : values) {
            String hash = HexFormat.of().formatHex(v.valueHash());
            current.put(hash, v.expiresAtMillis());
            if (!Long.valueOf(v.expiresAtMillis()).equals(seen.get(hash))) {
                event(events, "value", JsonApi.describe(v, now));
            }
        }
        for (String hash : seen.keySet()) {
            if (!current.containsKey(hash)) {
                event(events, "gone", Map.of("hash", hash));
            }
        }
        seen.clear();
        seen.putAll(current);
        if (events.length() > 0) {
            send(events.toString());
        }
    }

    /** A comment line, which keeps proxies from timing the stream out and finds clients that left. */
    void keepAlive() {
        send(": keep-alive\n\n");
    }

    private static void event(StringBuilder events, String name, Object data) {
        try {
            events.append("event: ").append(name).append("\ndata: ").append(JSON.writeValueAsString(data)).append("\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void send(String text) {
        if (closed) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (pendingBytes + bytes.length > MAX_PENDING_BYTES) {
            close(); // the client stopped reading
            return;
        }
        pending.add(bytes);
        pendingBytes += bytes.length;
        drain();
    }

    /** Writes what is queued for as long as the connection takes it without blocking. */
    private synchronized void drain() {
        if (closed || draining) {
            return;
        }
        draining = true;
        try {
            while (out.isReady()) {
                byte[] next = pending.poll();
                if (next == null) {
                    if (!needsFlush) {
                        return;
                    }
                    needsFlush = false;
                    out.flush();
                } else {
                    pendingBytes -= next.length;
                    out.write(next);
                    needsFlush = true;
                }
            }
        } catch (IOException | IllegalStateException gone) {
            close();
        } finally {
            draining = false;
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }

    /** Ends the stream (the client left, stopped reading, or the server stops); idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            // completed or failed already
        }
        onClose.accept(this);
    }
}
