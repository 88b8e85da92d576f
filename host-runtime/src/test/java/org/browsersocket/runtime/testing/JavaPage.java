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
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A page as the runtime sees it, written in Java: it fetches {@code browsersocket.js} for its
 * grant, opens the control channel with an Origin, and speaks the control protocol. With
 * {@link #echoing()} it behaves like the original echo example.
 *
 * <p>Anything wrong on the control channel (a message from the runtime that does not decode, a
 * data frame shorter than its header, a transport error) is recorded, and every wait
 * ({@link #expect}, {@link #next}, {@link #nextData}) then fails at once with it instead of timing
 * out; so does a wait on a control channel that has closed. {@link #pauseReading()} makes the page
 * stop reading its control channel, as a page busy in a long script would: the runtime's frames
 * back up in the socket until {@link #resumeReading()}.
 */
public final class JavaPage extends WebSocketClient {
    /** A message for or from one connection, as carried in a binary control frame. */
    public record Data(byte kind, int conn, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** How long a wait lasts before it fails. */
    public static final long WAIT_SECONDS = 10;
    /** How long a paused page holds its reading thread at most (a bound, so a forgotten pause cannot hang a run). */
    private static final long MAX_PAUSE_SECONDS = 60;

    /** Queue entry: the control channel is over (failed or closed); nothing follows it. */
    private record End(String why, Throwable cause) {}

    private static final ControlCodec CODEC = new ControlCodec();
    private final JsonNode config;
    private final BlockingDeque<Object> messages = new LinkedBlockingDeque<>();
    private final BlockingDeque<Object> data = new LinkedBlockingDeque<>();
    private final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final AtomicLong dataBytesRead = new AtomicLong();
    private final AtomicLong batchesRead = new AtomicLong();
    /** What arrived, in order: "data N" for a data frame of connection N, the type for a control message. */
    private final List<String> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean echo;
    private volatile boolean acceptAll;
    private volatile CountDownLatch readGate;
    private volatile End end;

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
        return open(controlUrl, headers, 0);
    }

    /**
     * Like {@link #open(String, Map)}, with the control channel's socket receive buffer fixed at
     * {@code receiveBufferBytes} (0: the system's default, which grows on demand), so that a
     * paused page holds back a known, small amount.
     */
    public static JavaPage open(String controlUrl, Map<String, String> headers, int receiveBufferBytes) throws Exception {
        JavaPage page = new JavaPage(fetchConfig(controlUrl), headers);
        if (receiveBufferBytes > 0) {
            page.setReceiveBufferSize(receiveBufferBytes);
        }
        page.connect();
        try {
            page.opened.get(WAIT_SECONDS, TimeUnit.SECONDS); // it may already be closed again (a refused origin)
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

    /**
     * Sends hello (saying the page reads batched data frames, as browsersocket.js does) and opens
     * listener 0; returns the {@code ws://} base URL of that listener.
     */
    public String listen() throws InterruptedException {
        send(new ControlMessage.Hello(token(), null, null, null, null, true));
        expect(ControlMessage.Welcome.class);
        return listen(0);
    }

    public String listen(int index) throws InterruptedException {
        send(new ControlMessage.Listen(index));
        ControlMessage.Listening listening = expect(ControlMessage.Listening.class);
        return "ws://127.0.0.1:" + listening.port() + listening.prefix();
    }

    /** From now on, accept every handshake (and keep what peers send for {@link #nextData}). */
    public JavaPage accepting() {
        acceptAll = true;
        return this;
    }

    /** From now on, accept every handshake and echo every message back. */
    public JavaPage echoing() {
        echo = true;
        acceptAll = true;
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

    /**
     * Sends control messages with one write to the socket, so that the runtime reads them together
     * and handles them back to back (for races: an answer and what immediately follows it).
     */
    public void sendTogether(ControlMessage... batch) {
        org.java_websocket.WebSocketImpl connection = (org.java_websocket.WebSocketImpl) getConnection();
        org.java_websocket.drafts.Draft draft = connection.getDraft();
        List<ByteBuffer> frames = new ArrayList<>();
        for (ControlMessage message : batch) {
            for (org.java_websocket.framing.Framedata frame : draft.createFrames(CODEC.encode(message), true)) {
                frames.add(draft.createBinaryFrame(frame));
            }
        }
        ByteBuffer all = ByteBuffer.allocate(frames.stream().mapToInt(ByteBuffer::remaining).sum());
        frames.forEach(all::put);
        all.flip();
        connection.outQueue.add(all); // the client's writer thread writes each queued buffer with one write
    }

    public void sendData(byte kind, int conn, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(DataFrame.HEADER_BYTES + payload.length);
        frame.put(kind).putInt(conn).put(payload).flip();
        send(frame);
    }

    /** Sends several data frames as one batch ({@link DataFrame#KIND_BATCH}), as a page's sends of one task travel. */
    public void sendBatch(List<Data> frames) {
        send(batch(frames));
    }

    /** The bytes of a batch of {@code frames}. */
    public static ByteBuffer batch(List<Data> frames) {
        int size = DataFrame.HEADER_BYTES + frames.stream()
                .mapToInt(f -> DataFrame.BATCH_LENGTH_BYTES + DataFrame.HEADER_BYTES + f.payload().length).sum();
        ByteBuffer batch = ByteBuffer.allocate(size).put(DataFrame.KIND_BATCH).putInt(frames.size());
        for (Data frame : frames) {
            batch.putInt(DataFrame.HEADER_BYTES + frame.payload().length).put(frame.kind()).putInt(frame.conn()).put(frame.payload());
        }
        return batch.flip();
    }

    /**
     * Everything that arrived so far, in order: {@code "data N"} for a data frame of connection N,
     * the message's type (e.g. {@code "close"}) for a control message.
     */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    /** How many batches (several data frames in one message) the runtime has sent this page. */
    public long batchesRead() {
        return batchesRead.get();
    }

    /**
     * Answers HTTP request {@code conn} as a page would: the response head with the body's length,
     * the body in one data frame (none when empty), then the end frame.
     */
    public void respond(int conn, int status, List<List<String>> headers, byte[] body) {
        send(new ControlMessage.Response(conn, status, headers, (long) body.length));
        if (body.length > 0) {
            sendData(DataFrame.KIND_BODY, conn, body);
        }
        sendData(DataFrame.KIND_END, conn, new byte[0]);
    }

    /** {@link #respond} with status 200 and a UTF-8 text body. */
    public void respond(int conn, List<List<String>> headers, String body) {
        respond(conn, 200, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** The next control message of this type, skipping others; fails after 10 s, or at once if the channel failed or closed. */
    public <T extends ControlMessage> T expect(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<ControlMessage> skipped = new ArrayList<>();
        while (true) {
            Object message = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT_SECONDS + " s; got " + skipped);
            }
            if (message instanceof End over) {
                throw ended(messages, over, "no " + type.getSimpleName() + " (got " + skipped + ")");
            }
            if (type.isInstance(message)) {
                return type.cast(message);
            }
            skipped.add((ControlMessage) message);
        }
    }

    /** The very next control message, whatever it is: for asserting order, and that nothing came in between. */
    private final java.util.concurrent.BlockingQueue<ControlMessage.Reachability> reachability =
            new java.util.concurrent.LinkedBlockingQueue<>();

    public ControlMessage next() throws InterruptedException {
        Object message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no control message within " + WAIT_SECONDS + " s");
        }
        if (message instanceof End over) {
            throw ended(messages, over, "no further control message");
        }
        return (ControlMessage) message;
    }

    /** The next data frame; fails after 10 s, or at once if the channel failed or closed. */
    public Data nextData() throws InterruptedException {
        Object next = data.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no data frame within " + WAIT_SECONDS + " s");
        }
        if (next instanceof End over) {
            throw ended(data, over, "no further data frame");
        }
        return (Data) next;
    }

    /** Control messages received and not yet taken by {@link #expect} or {@link #next}. */
    public List<ControlMessage> pendingMessages() {
        return messages.stream().filter(ControlMessage.class::isInstance).map(ControlMessage.class::cast).toList();
    }

    /** What went wrong on the control channel so far (malformed messages from the runtime, transport errors). */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** Close code of the control channel, once it closed. */
    public CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    /**
     * Stops reading the control channel: the next frame from the runtime is held (and everything
     * after it stays in the socket) until {@link #resumeReading()}.
     */
    public void pauseReading() {
        if (readGate == null) {
            readGate = new CountDownLatch(1);
        }
    }

    public void resumeReading() {
        CountDownLatch gate = readGate;
        readGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** Payload bytes of the data frames this page has read off its control channel (held ones excluded). */
    public long dataBytesRead() {
        return dataBytesRead.get();
    }

    /*
     * Closing resumes reading: the runtime answers a close frame behind everything it queued for
     * the page, so a page that stays paused would never see the answer (and the runtime, whose
     * answer cannot drain, would keep the channel).
     */
    @Override
    public void closeBlocking() throws InterruptedException {
        resumeReading();
        super.closeBlocking();
    }

    @Override
    public void close() {
        resumeReading();
        super.close();
    }

    @Override
    public void close(int code) {
        resumeReading();
        super.close(code);
    }

    @Override
    public void close(int code, String message) {
        resumeReading();
        super.close(code, message);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        opened.complete(null);
    }

    @Override
    public void onMessage(String text) {
        holdWhilePaused();
        ControlMessage message;
        try {
            message = CODEC.decode(text);
        } catch (ControlCodec.MalformedControlMessage e) {
            fail(new AssertionError("runtime sent a malformed control message: " + text, e));
            return;
        }
        arrivals.add(message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        if (acceptAll && message instanceof ControlMessage.Handshake handshake) {
            send(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        }
        if (message instanceof ControlMessage.Reachability reachability) {
            // News about the runtime's ways in, at any time: kept apart from the dialogue's order.
            this.reachability.add(reachability);
            return;
        }
        messages.add(message);
    }

    /** The next reachability message the runtime sent (the first comes right after welcome). */
    public ControlMessage.Reachability nextReachability() throws InterruptedException {
        ControlMessage.Reachability next = reachability.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no reachability message within " + WAIT_SECONDS + " s");
        }
        return next;
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
        holdWhilePaused();
        if (bytes.remaining() >= 1 && bytes.get(bytes.position()) == DataFrame.KIND_BATCH) {
            batchesRead.incrementAndGet();
            readBatch(bytes);
            return;
        }
        readFrame(bytes);
    }

    private void readBatch(ByteBuffer batch) {
        if (batch.remaining() < DataFrame.HEADER_BYTES) {
            fail(new AssertionError("runtime sent a batch of " + batch.remaining() + " bytes, shorter than its header"));
            return;
        }
        batch.get();
        int count = batch.getInt();
        for (int i = 0; i < count; i++) {
            if (batch.remaining() < DataFrame.BATCH_LENGTH_BYTES || batch.getInt(batch.position()) > batch.remaining() - 4) {
                fail(new AssertionError("runtime sent a batch of " + count + " frames cut after " + i));
                return;
            }
            int length = batch.getInt();
            ByteBuffer frame = batch.slice(batch.position(), length);
            batch.position(batch.position() + length);
            readFrame(frame);
        }
        if (batch.hasRemaining()) {
            fail(new AssertionError("runtime sent a batch with " + batch.remaining() + " bytes after its " + count + " frames"));
        }
    }

    private void readFrame(ByteBuffer bytes) {
        if (bytes.remaining() < DataFrame.HEADER_BYTES) {
            fail(new AssertionError("runtime sent a data frame of " + bytes.remaining() + " bytes, shorter than its "
                    + DataFrame.HEADER_BYTES + "-byte header"));
            return;
        }
        byte kind = bytes.get();
        int conn = bytes.getInt();
        byte[] payload = new byte[bytes.remaining()];
        bytes.get(payload);
        if (kind == DataFrame.KIND_CONTROL) {
            onMessage(new String(payload, StandardCharsets.UTF_8));
            return;
        }
        dataBytesRead.addAndGet(payload.length);
        arrivals.add("data " + conn);
        if (echo) {
            sendData(kind, conn, payload);
            return;
        }
        data.add(new Data(kind, conn, payload));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closed.complete(code);
        finish(new End("the control channel closed with " + code + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"),
                errors.isEmpty() ? null : errors.get(0)));
    }

    @Override
    public void onError(Exception ex) {
        fail(ex);
    }

    private void fail(Throwable error) {
        errors.add(error);
        finish(new End("the control channel failed: " + error, error));
    }

    /** Marks both queues as ended; the first reason sticks. */
    private synchronized void finish(End over) {
        if (end == null) {
            end = over;
            messages.add(over);
            data.add(over);
        }
    }

    /** The failure a wait reports once the channel is over; the end stays first in the queue, so later waits fail too. */
    private static AssertionError ended(BlockingDeque<Object> queue, End over, String what) {
        queue.offerFirst(over);
        AssertionError error = new AssertionError(what + ": " + over.why());
        if (over.cause() != null) {
            error.initCause(over.cause());
        }
        return error;
    }

    private void holdWhilePaused() {
        CountDownLatch gate = readGate;
        if (gate == null) {
            return;
        }
        try {
            if (!gate.await(MAX_PAUSE_SECONDS, TimeUnit.SECONDS)) {
                fail(new AssertionError("the page stayed paused for more than " + MAX_PAUSE_SECONDS + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
