package org.browsersocket.runtime.extension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native-messaging host the BrowserSocket extension starts: a bridge between the browser
 * (native messages on stdin/stdout) and the running host runtime. Each page session the extension
 * opens becomes one control channel to the runtime, presenting the token of
 * {@code native-host.json} and the page's origin as the browser reported it to the extension.
 *
 * <p>Messages from the extension: {@code {"s":N,"open":{"origin":O,"url":U}}}, {@code {"s":N,"t":TEXT}},
 * {@code {"s":N,"b":BASE64}}, {@code {"s":N,"close":{"code":C,"reason":R}}}. To the extension:
 * {@code {"s":N,"opened":true}}, {@code {"s":N,"t":TEXT}} and {@code {"s":N,"b":BASE64}} (in pieces
 * marked {@code "more":true} when over the browser's 1 MB limit), {@code {"s":N,"close":{...}}},
 * and {@code {"error":TEXT}} for a message it could not take.
 */
public final class NativeHostMain {
    /** Largest message taken from the browser: a 16 MiB binary message in base64, with room to spare. */
    static final int MAX_FROM_BROWSER = 24 * 1024 * 1024;
    /** Characters of text or base64 per piece sent to the browser (JSON escaping may grow text 6-fold). */
    static final int TEXT_PIECE = 128 * 1024;
    static final int BASE64_PIECE = 512 * 1024;

    private final NativeMessages messages;
    private final Path configDir;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();

    NativeHostMain(InputStream in, OutputStream out, Path configDir, PrintStream log) {
        this.messages = new NativeMessages(in, out, MAX_FROM_BROWSER);
        this.configDir = configDir;
        this.log = log;
    }

    public static void main(String[] args) {
        Path configDir = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config-dir")) {
                configDir = Path.of(args[i + 1]);
            }
        }
        if (configDir == null) {
            System.err.println("browsersocket native host: usage: NativeHostMain --config-dir DIR"
                    + " (the browser starts it; install it with host-runtime --install-native-host)");
            System.exit(2);
        }
        PrintStream stdout = System.out;
        System.setOut(System.err); // stdout carries native messages only
        new NativeHostMain(System.in, stdout, configDir, System.err).run();
        System.exit(0);
    }

    /** Serves until the browser closes stdin. */
    void run() {
        while (true) {
            Map<?, ?> message;
            try {
                message = messages.read();
            } catch (NativeMessages.TooLong e) {
                log.println("browsersocket native host: " + e.getMessage());
                send(Map.of("error", e.getMessage()));
                continue;
            } catch (IOException e) {
                log.println("browsersocket native host: unreadable input, stopping: " + e.getMessage());
                break;
            }
            if (message == null) {
                break;
            }
            try {
                handle(message);
            } catch (IllegalArgumentException e) {
                send(Map.of("error", "refused a malformed message: " + e.getMessage()));
            }
        }
        sessions.values().forEach(Session::abort);
    }

    private void handle(Map<?, ?> message) {
        if (!(message.get("s") instanceof Integer id)) {
            throw new IllegalArgumentException("\"s\" (the session number) must be an integer");
        }
        if (message.get("open") instanceof Map<?, ?> open) {
            if (!(open.get("origin") instanceof String origin)) {
                throw new IllegalArgumentException("open needs the page's origin");
            }
            if (sessions.containsKey(id)) {
                throw new IllegalArgumentException("session " + id + " is already open");
            }
            Session session = new Session(id);
            sessions.put(id, session);
            session.open(origin);
            return;
        }
        Session session = sessions.get(id);
        if (session == null) {
            return; // closed meanwhile
        }
        if (message.get("t") instanceof String text) {
            session.enqueue(ws -> ws.sendText(text, true));
        } else if (message.get("b") instanceof String base64) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"b\" is not base64");
            }
            session.enqueue(ws -> ws.sendBinary(ByteBuffer.wrap(bytes), true));
        } else if (message.get("close") instanceof Map<?, ?> close) {
            int code = close.get("code") instanceof Integer c && (c == 1000 || (c >= 3000 && c <= 4999)) ? c : 1000;
            String reason = close.get("reason") instanceof String r ? r : "";
            session.close(code, reason);
        } else {
            throw new IllegalArgumentException("a session message carries one of t, b, close or open");
        }
    }

    private void send(Map<String, ?> message) {
        try {
            messages.write(message);
        } catch (IOException e) {
            log.println("browsersocket native host: cannot write to the browser: " + e.getMessage());
        }
    }

    /** Sends a frame to the extension, in pieces the browser accepts. */
    private void sendPieces(int id, String key, String value, int piece) {
        int start = 0;
        do {
            int end = Math.min(value.length(), start + piece);
            if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("s", id);
            message.put(key, value.substring(start, end));
            if (end < value.length()) {
                message.put("more", true);
            }
            send(message);
            start = end;
        } while (start < value.length());
    }

    private void closed(int id, int code, String reason) {
        if (sessions.remove(id) != null) {
            send(Map.of("s", id, "close", Map.of("code", code, "reason", reason == null ? "" : reason)));
        }
    }

    /** One page's control channel to the runtime. */
    private final class Session implements WebSocket.Listener {
        private final int id;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        private CompletableFuture<WebSocket> sending;

        Session(int id) {
            this.id = id;
        }

        void open(String origin) {
            NativeHostFile file;
            try {
                file = NativeHostFile.readFrom(configDir);
            } catch (IOException e) {
                file = null;
            }
            if (file == null) {
                sending = CompletableFuture.failedFuture(new IOException("not running"));
                closed(id, 1011, "the BrowserSocket host runtime is not running on this device"
                        + " (start it: java -jar host-runtime.jar, or make run)");
                return;
            }
            sending = http.newWebSocketBuilder()
                    .header(NativeHostFile.TOKEN_HEADER, file.token())
                    .header(NativeHostFile.ORIGIN_HEADER, origin)
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(file.control()), this);
            sending.whenComplete((ws, failure) -> {
                if (failure != null) {
                    closed(id, 1011, "the BrowserSocket host runtime did not accept the extension's channel: "
                            + (failure.getCause() != null ? failure.getCause() : failure).getMessage());
                } else {
                    send(Map.of("s", id, "opened", true));
                }
            });
        }

        /** Sends after the previous send finished (a WebSocket takes one send at a time). */
        synchronized void enqueue(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> frame) {
            sending = sending.thenCompose(frame);
        }

        synchronized void close(int code, String reason) {
            sending.thenCompose(ws -> ws.sendClose(code, reason)).whenComplete((ws, e) -> abort());
            sessions.remove(id);
        }

        void abort() {
            sending.thenAccept(WebSocket::abort);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                sendPieces(id, "t", text.toString(), TEXT_PIECE);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                sendPieces(id, "b", Base64.getEncoder().encodeToString(binary.toByteArray()), BASE64_PIECE);
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed(id, code, reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed(id, 1006, "the channel to the BrowserSocket runtime failed: " + error.getMessage());
        }
    }
}
