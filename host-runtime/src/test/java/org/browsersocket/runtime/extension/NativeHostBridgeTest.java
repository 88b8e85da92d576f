package org.browsersocket.runtime.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.HostRuntime;
import org.browsersocket.runtime.RuntimeConfig;
import org.browsersocket.runtime.testing.JavaPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native-messaging host between the browser and the runtime, driven as the browser drives it:
 * length-prefixed JSON on its stdin and stdout.
 */
class NativeHostBridgeTest {
    static final String APP = "https://app.example";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ControlCodec CODEC = new ControlCodec();
    @TempDir
    Path configDir;
    private HostRuntime runtime;
    private OutputStream toHost;
    private final BlockingQueue<Map<?, ?>> fromHost = new LinkedBlockingQueue<>();
    private Thread host;

    @AfterEach
    void stop() throws Exception {
        if (toHost != null) {
            toHost.close(); // end of input: the host closes its sessions and returns
            host.join(10_000);
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Starts the host in this JVM, its stdin and stdout on pipes. */
    private void startHost() throws IOException {
        // NIO pipes, not java.io's piped streams: those break when a thread that wrote to them ends.
        Pipe input = Pipe.open();
        Pipe output = Pipe.open();
        InputStream hostIn = Channels.newInputStream(input.source());
        toHost = Channels.newOutputStream(input.sink());
        InputStream fromHostIn = Channels.newInputStream(output.source());
        OutputStream hostOut = Channels.newOutputStream(output.sink());
        host = new Thread(() -> new NativeHostMain(hostIn, hostOut, configDir, new PrintStream(OutputStream.nullOutputStream())).run());
        host.start();
        Thread reader = new Thread(() -> {
            DataInputStream in = new DataInputStream(fromHostIn);
            try {
                while (true) {
                    byte[] header = in.readNBytes(4);
                    if (header.length < 4) {
                        return;
                    }
                    int length = ByteBuffer.wrap(header).order(ByteOrder.nativeOrder()).getInt();
                    assertTrue(length <= NativeMessages.MAX_TO_BROWSER, "a message of " + length + " bytes");
                    fromHost.add(JSON.readValue(in.readNBytes(length), Map.class));
                }
            } catch (IOException e) {
                // the host stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private void send(Object message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(message);
        toHost.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(body.length).array());
        toHost.write(body);
        toHost.flush();
    }

    private Map<?, ?> next() throws InterruptedException {
        Map<?, ?> message = fromHost.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("the native host said nothing within 10 s");
        }
        return message;
    }

    /** The next control message the runtime sent session 1 through the host. */
    private ControlMessage nextControl() throws Exception {
        Map<?, ?> message = next();
        assertTrue(message.get("t") instanceof String, message.toString());
        return CODEC.decode((String) message.get("t"));
    }

    private void sendControl(ControlMessage message) throws IOException {
        send(Map.of("s", 1, "t", CODEC.encode(message)));
    }

    /** Opens session 1 for APP and listener 0 on the runtime; returns its ws:// URL. */
    private String openListener() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral().withConfigDir(configDir));
        startHost();
        send(Map.of("s", 1, "open", Map.of("origin", APP, "url", APP + "/echo.html")));
        assertEquals(Map.of("s", 1, "opened", true), next());
        List<String> prefixes = ExtensionChannelTest.prefixes(2);
        sendControl(new ControlMessage.Hello(null, prefixes, runtime.publicPort()));
        assertTrue(nextControl() instanceof ControlMessage.Welcome);
        assertTrue(nextControl() instanceof ControlMessage.Reachability, "the runtime's ways in follow the welcome");
        sendControl(new ControlMessage.Listen(0));
        ControlMessage.Listening listening = (ControlMessage.Listening) nextControl();
        return "ws://127.0.0.1:" + listening.port() + listening.prefix();
    }

    @Test
    void aPageSessionThroughTheHostAcceptsPeersAndRelaysTheirMessagesBothWays() throws Exception {
        String url = openListener();
        JavaPeer peer = new JavaPeer(url + "chat");
        peer.connect();
        ControlMessage.Handshake handshake = (ControlMessage.Handshake) nextControl();
        sendControl(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        peer.awaitOpen();
        assertTrue(nextControl() instanceof ControlMessage.Open);

        peer.send(new byte[] {1, 2, 3});
        Map<?, ?> data = next();
        byte[] frame = Base64.getDecoder().decode((String) data.get("b"));
        assertEquals(1, frame[0]); // binary
        assertEquals(handshake.conn(), ByteBuffer.wrap(frame, 1, 4).getInt());
        send(Map.of("s", 1, "b", Base64.getEncoder().encodeToString(frame))); // echo it
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(peer.nextBinary()));
        peer.closeBlocking();
    }

    @Test
    void aMessageLargerThanTheBrowserTakesComesInPieces() throws Exception {
        String url = openListener();
        JavaPeer peer = new JavaPeer(url);
        peer.connect();
        ControlMessage.Handshake handshake = (ControlMessage.Handshake) nextControl();
        sendControl(new ControlMessage.Accept(handshake.conn(), null, Map.of()));
        peer.awaitOpen();
        nextControl(); // open
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        peer.send(big);
        StringBuilder base64 = new StringBuilder();
        int pieces = 0;
        Map<?, ?> piece;
        do {
            piece = next();
            base64.append((String) piece.get("b"));
            pieces++;
        } while (Boolean.TRUE.equals(piece.get("more")));
        byte[] frame = Base64.getDecoder().decode(base64.toString());
        assertEquals(big.length + 5, frame.length);
        assertEquals(big[big.length - 1], frame[frame.length - 1]);
        assertTrue(pieces > 3, pieces + " pieces");
        peer.closeBlocking();
    }

    @Test
    void aMessageOverTheHostsLimitIsRefusedAndTheSessionGoesOn() throws Exception {
        openListener();
        byte[] header = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(NativeHostMain.MAX_FROM_BROWSER + 1).array();
        toHost.write(header);
        toHost.write(new byte[NativeHostMain.MAX_FROM_BROWSER + 1]);
        toHost.flush();
        assertTrue(((String) next().get("error")).contains("over the native host's limit"));
        send(Map.of("s", 1, "nonsense", true));
        assertTrue(((String) next().get("error")).contains("refused a malformed message"));
        sendControl(new ControlMessage.Listen(1));
        assertTrue(nextControl() instanceof ControlMessage.Listening);
    }

    @Test
    void whenTheRuntimeEndsASessionTheExtensionIsToldWhy() throws Exception {
        runtime = HostRuntime.start(RuntimeConfig.ephemeral().withConfigDir(configDir));
        startHost();
        send(Map.of("s", 2, "open", Map.of("origin", APP, "url", APP + "/")));
        assertEquals(Map.of("s", 2, "opened", true), next());
        send(Map.of("s", 2, "t", CODEC.encode(new ControlMessage.Hello(null, ExtensionChannelTest.prefixes(1), 1))));
        assertTrue(((String) next().get("t")).contains("public port 1"));
        Map<?, ?> close = (Map<?, ?>) next().get("close");
        assertEquals(1008, close.get("code"), close.toString());
    }

    @Test
    void withNoRuntimeRunningASessionClosesSayingSo() throws Exception {
        startHost();
        send(Map.of("s", 5, "open", Map.of("origin", APP, "url", APP + "/")));
        Map<?, ?> close = (Map<?, ?>) next().get("close");
        assertEquals(1011, close.get("code"));
        assertTrue(((String) close.get("reason")).contains("host runtime is not running"), close.toString());
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new java.util.ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
