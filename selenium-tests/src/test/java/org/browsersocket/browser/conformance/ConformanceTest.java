package org.browsersocket.browser.conformance;

import static org.browsersocket.browser.conformance.RawWebSocket.BINARY;
import static org.browsersocket.browser.conformance.RawWebSocket.PING;
import static org.browsersocket.browser.conformance.RawWebSocket.PONG;
import static org.browsersocket.browser.conformance.RawWebSocket.TEXT;
import static org.browsersocket.browser.conformance.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.browsersocket.browser.conformance.RawWebSocket.Closed;
import org.browsersocket.browser.conformance.RawWebSocket.Ending;
import org.browsersocket.browser.conformance.RawWebSocket.Frame;
import org.browsersocket.browser.conformance.RawWebSocket.Message;
import org.browsersocket.browser.conformance.RawWebSocket.Received;
import org.browsersocket.runtime.RuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 conformance of a page-hosted WebSocket server, in the role of the Autobahn|Testsuite
 * fuzzing client (sections 1-7 and 9 as they apply to a server): the original echo example runs in
 * a real headless Chromium, and a raw client sends it valid and invalid frames through the host
 * runtime. Each test names the behaviour RFC 6455 requires and the Autobahn cases it covers.
 * Invalid close codes and close reasons are in {@link StrictCloseAndTextTest}, in the strict form.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConformanceTest {
    @RegisterExtension
    static final PageHostedEcho ECHO = new PageHostedEcho();

    static final Duration WAIT = RawWebSocket.WAIT;
    static final int LIMIT = RuntimeConfig.DEFAULT_MAX_MESSAGE_BYTES;

    private final List<RawWebSocket> peers = new ArrayList<>();

    @AfterEach
    void closePeers() throws IOException {
        for (RawWebSocket peer : peers) {
            peer.close();
        }
    }

    RawWebSocket peer(String resource) throws IOException {
        RawWebSocket peer = ECHO.connect(resource);
        peers.add(peer);
        return peer;
    }

    /**
     * The server failed the connection (RFC 6455 §7.1.7): a close frame with {@code code} and
     * nothing before it, then it closed the TCP connection.
     */
    static Closed assertFailedWith(int code, RawWebSocket peer) throws IOException {
        Ending ending = peer.readUntilClose();
        assertEquals(List.of(), ending.before(), "frames before the close");
        assertEquals(code, ending.close().code(), "close code (" + ending.close() + ")");
        assertTrue(peer.serverClosedTcp(WAIT), "the server closes the TCP connection after failing it");
        return ending.close();
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    static byte[] printable(int length, long seed) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (' ' + random.nextInt(95));
        }
        return bytes;
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The message split into fragments of {@code size} bytes (the first with {@code opcode}). */
    static Frame[] fragments(int opcode, byte[] message, int size) {
        int count = Math.max(1, (message.length + size - 1) / size);
        Frame[] frames = new Frame[count];
        for (int i = 0; i < count; i++) {
            byte[] part = Arrays.copyOfRange(message, i * size, Math.min(message.length, (i + 1) * size));
            frames[i] = Frame.of(i == 0 ? opcode : RawWebSocket.CONTINUATION, part).fin(i == count - 1);
        }
        return frames;
    }

    static void assertEcho(int opcode, byte[] sent, Message echoed) {
        assertEquals(opcode, echoed.opcode(), "opcode of the echo");
        assertEquals(sent.length, echoed.payload().length, "length of the echo");
        assertArrayEquals(sent, echoed.payload(), "payload of the echo");
    }

    /** Runs {@code io} on a thread of its own: for writes the server answers while they go on. */
    static CompletableFuture<Void> inBackground(IoAction io) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                io.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "conformance-writer");
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    interface IoAction {
        void run() throws Exception;
    }

    // ------------------------------------------------------------ 1 framing

    /** Autobahn 1.1.1-1.1.6 and 9.1-sized: 7-bit, 16-bit and 64-bit payload lengths. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536, 1 << 20})
    void textMessagesOfEveryLengthEncodingEchoUnchanged(int length) throws IOException {
        RawWebSocket peer = peer("1.1-text-" + length);
        byte[] payload = printable(length, length);
        peer.send(Frame.text(payload));
        assertEcho(TEXT, payload, peer.readMessage());
    }

    /** Autobahn 1.2.1-1.2.6. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 127, 65535, 65536, 1 << 20})
    void binaryMessagesOfEveryLengthEncodingEchoUnchanged(int length) throws IOException {
        RawWebSocket peer = peer("1.2-binary-" + length);
        byte[] payload = random(length, length);
        peer.send(Frame.binary(payload));
        assertEcho(BINARY, payload, peer.readMessage());
    }

    /** Autobahn 1.1.7/1.1.8, 1.2.7/1.2.8: a frame whose bytes arrive in small chops is reassembled. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void aFrameArrivingInSmallChopsEchoesWhole(int opcode) throws IOException {
        RawWebSocket peer = peer("1.x.8-chops-" + opcode);
        byte[] payload = printable(65536, 8);
        peer.sendInChops(997, Frame.of(opcode, payload));
        assertEcho(opcode, payload, peer.readMessage());
    }

    /** RFC 6455 §5.1: a server MUST close the connection when a client frame is not masked. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY, PING})
    void anUnmaskedClientFrameFailsTheConnectionWith1002(int opcode) throws IOException {
        RawWebSocket peer = peer("unmasked-" + opcode);
        peer.send(Frame.of(opcode, utf8("not masked")).unmasked(), Frame.ping(utf8("after")));
        assertFailedWith(1002, peer);
    }

    /** RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"; a longer form fails the connection. */
    @ParameterizedTest(name = "{0} bytes as {1}")
    @MethodSource("nonMinimalLengths")
    void aPayloadLengthNotInItsShortestFormFailsTheConnectionWith1002(int length, RawWebSocket.LengthEncoding encoding)
            throws IOException {
        RawWebSocket peer = peer("length-" + length + "-" + encoding);
        peer.send(Frame.text(printable(length, 52)).length(encoding));
        assertFailedWith(1002, peer);
    }

    static Stream<Arguments> nonMinimalLengths() {
        return Stream.of(Arguments.of(5, RawWebSocket.LengthEncoding.SIXTEEN_BIT),
                Arguments.of(125, RawWebSocket.LengthEncoding.SIXTY_FOUR_BIT),
                Arguments.of(200, RawWebSocket.LengthEncoding.SIXTY_FOUR_BIT));
    }

    // ------------------------------------------------------------ 2 pings and pongs

    /** Autobahn 2.1-2.4: a ping is answered by a pong with the same application data. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 11, 125})
    void aPingIsAnsweredWithAPongCarryingItsPayload(int length) throws IOException {
        RawWebSocket peer = peer("2.x-ping-" + length);
        byte[] payload = random(length, length);
        peer.send(Frame.ping(payload));
        Received pong = peer.readFrame();
        assertEquals(PONG, pong.opcode());
        assertArrayEquals(payload, pong.payload());
        peer.send(Frame.text("still open"));
        assertEquals("still open", peer.readMessage().text());
    }

    /** Autobahn 2.6: a ping written one byte at a time is answered. */
    @Test
    void aPingArrivingInOneByteChopsIsAnswered() throws IOException {
        RawWebSocket peer = peer("2.6");
        byte[] payload = printable(125, 26);
        peer.sendInChops(1, Frame.ping(payload));
        Received pong = peer.readFrame();
        assertEquals(PONG, pong.opcode());
        assertArrayEquals(payload, pong.payload());
    }

    /** Autobahn 2.7-2.9: unsolicited pongs (empty or not) are ignored; a ping after them is answered. */
    @Test
    void unsolicitedPongsAreIgnored() throws IOException {
        RawWebSocket peer = peer("2.7-2.9");
        peer.send(Frame.pong(new byte[0]), Frame.pong(utf8("unsolicited pong payload")), Frame.ping(utf8("ping payload")));
        Received first = peer.readFrame();
        assertEquals(PONG, first.opcode(), "the first frame answers the ping: " + first);
        assertEquals("ping payload", first.text());
        peer.send(Frame.text("after the pongs"));
        assertEquals("after the pongs", peer.readMessage().text());
    }

    /** Autobahn 2.10/2.11: ten pings sent at once (and in chops) get ten pongs, in order. */
    @ParameterizedTest(name = "chops of {0} bytes (0: whole frames)")
    @ValueSource(ints = {0, 1})
    void tenPingsInARowAreEachAnsweredInOrder(int chop) throws IOException {
        RawWebSocket peer = peer("2.10-" + chop);
        Frame[] pings = IntStream.range(0, 10).mapToObj(i -> Frame.ping(utf8("payload-" + i))).toArray(Frame[]::new);
        if (chop == 0) {
            peer.send(pings);
        } else {
            peer.sendInChops(chop, pings);
        }
        for (int i = 0; i < 10; i++) {
            Received pong = peer.readFrame();
            assertEquals(PONG, pong.opcode());
            assertEquals("payload-" + i, pong.text());
        }
    }

    /** Autobahn 2.5, 3 (control frames), 7.3.6: a control frame longer than 125 bytes fails the connection. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {PING, PONG, RawWebSocket.CLOSE})
    void aControlFrameLongerThan125BytesFailsTheConnectionWith1002(int opcode) throws IOException {
        RawWebSocket peer = peer("2.5-" + opcode);
        byte[] payload = opcode == RawWebSocket.CLOSE ? Frame.close(1000, printable(124, 5)).payload() : random(126, 5);
        assertEquals(126, payload.length);
        peer.send(Frame.of(opcode, payload));
        assertFailedWith(1002, peer);
    }

    /** Autobahn 5.1/5.2: control frames must not be fragmented. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {PING, PONG})
    void aFragmentedPingOrPongFailsTheConnectionWith1002(int opcode) throws IOException {
        RawWebSocket peer = peer("5.1-" + opcode);
        peer.send(Frame.of(opcode, utf8("frag")).more(), Frame.continuation(utf8("ment")));
        assertFailedWith(1002, peer);
    }

    /** Autobahn 5.6-5.8, 5.19/5.20: pings between a message's fragments are answered, the message still echoes. */
    @ParameterizedTest(name = "chops of {0} bytes (0: whole frames)")
    @ValueSource(ints = {0, 1})
    void pingsBetweenFragmentsAreAnsweredAndTheMessageStillEchoes(int chop) throws IOException {
        RawWebSocket peer = peer("5.6-" + chop);
        Frame[] frames = {Frame.text("frag").more(), Frame.ping(utf8("ping 1")), Frame.continuation(utf8("men")).more(),
                Frame.pong(utf8("unsolicited")), Frame.ping(utf8("ping 2")), Frame.continuation(utf8("ted"))};
        if (chop == 0) {
            peer.send(frames);
        } else {
            peer.sendInChops(chop, frames);
        }
        for (String expected : List.of("ping 1", "ping 2")) {
            Received pong = peer.readFrame();
            assertEquals(PONG, pong.opcode(), "expected the pong for " + expected + ", got " + pong);
            assertEquals(expected, pong.text());
        }
        assertEquals("fragmented", peer.readMessage().text());
    }

    /** Autobahn 5.19/5.20 with the fragments spread out: each ping is answered before the message ends. */
    @Test
    void aPingInTheMiddleOfAFragmentedMessageIsAnsweredAtOnce() throws IOException {
        RawWebSocket peer = peer("5.19");
        peer.send(Frame.text("one ").more(), Frame.ping(utf8("while fragmented")));
        Received pong = peer.readFrame();
        assertEquals(PONG, pong.opcode());
        assertEquals("while fragmented", pong.text());
        peer.send(Frame.continuation(utf8("two")));
        assertEquals("one two", peer.readMessage().text());
    }

    // ------------------------------------------------------------ 3 reserved bits

    static Stream<Arguments> framesWithReservedBits() {
        List<Arguments> cases = new ArrayList<>();
        for (int rsv = 1; rsv <= 7; rsv++) {
            cases.add(Arguments.of("text", rsv));
            cases.add(Arguments.of("binary", rsv));
            cases.add(Arguments.of("ping", rsv));
            cases.add(Arguments.of("close", rsv));
            cases.add(Arguments.of("continuation", rsv));
        }
        return cases.stream();
    }

    /**
     * Autobahn 3.1-3.7: a non-zero RSV bit without a negotiated extension fails the connection (RFC
     * 6455 §5.2), and a ping after the bad frame is not answered. A valid message before it echoes
     * first (sent and echoed before the bad frame, so the order is fixed). Sent back to back with
     * the bad frame, as Autobahn 3.2-3.4 do, the valid message's echo is lost: the runtime fails the
     * connection before the page's echo returns (Autobahn rates that NON-STRICT; RFC 6455 allows it).
     */
    @ParameterizedTest(name = "{0} with RSV {1}")
    @MethodSource("framesWithReservedBits")
    void aFrameWithReservedBitsSetFailsTheConnectionWith1002(String kind, int rsv) throws IOException {
        RawWebSocket peer = peer("3-" + kind + "-" + rsv);
        peer.send(Frame.text("valid first"));
        assertEquals("valid first", peer.readMessage().text());
        Frame[] bad = switch (kind) {
            case "text" -> new Frame[] {Frame.text("reserved bits").rsv(rsv)};
            case "binary" -> new Frame[] {Frame.binary(random(10, rsv)).rsv(rsv)};
            case "ping" -> new Frame[] {Frame.ping(utf8("reserved bits")).rsv(rsv)};
            case "close" -> new Frame[] {Frame.close(1000, "reserved bits").rsv(rsv)};
            default -> new Frame[] {Frame.text("fragment").more(), Frame.continuation(utf8("reserved bits")).rsv(rsv)};
        };
        peer.send(bad);
        peer.sendIfStillOpen(Frame.ping(utf8("not answered")));
        assertFailedWith(1002, peer);
    }

    // ------------------------------------------------------------ 4 opcodes

    /** Autobahn 4.1.1-4.2.5: reserved non-control (3-7) and control (11-15) opcodes fail the connection. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void aFrameWithAReservedOpcodeFailsTheConnectionWith1002(int opcode) throws IOException {
        RawWebSocket peer = peer("4-" + opcode);
        peer.send(Frame.text("valid first"));
        assertEquals("valid first", peer.readMessage().text());
        peer.send(Frame.of(opcode, opcode % 2 == 0 ? new byte[0] : utf8("reserved opcode")));
        peer.sendIfStillOpen(Frame.ping(utf8("not answered")));
        assertFailedWith(1002, peer);
    }

    // ------------------------------------------------------------ 5 fragmentation

    /** Autobahn 5.3/5.4 (text) and 5.5 (in chops): a message in two fragments echoes whole. */
    @ParameterizedTest(name = "opcode {0}, chops of {1} bytes (0: whole frames)")
    @MethodSource("opcodesAndChops")
    void aMessageInTwoFragmentsEchoesWhole(int opcode, int chop) throws IOException {
        RawWebSocket peer = peer("5.3-" + opcode + "-" + chop);
        byte[] message = printable(200, 53);
        Frame[] frames = {Frame.of(opcode, Arrays.copyOf(message, 77)).more(),
                Frame.continuation(Arrays.copyOfRange(message, 77, 200))};
        if (chop == 0) {
            peer.send(frames);
        } else {
            peer.sendInChops(chop, frames);
        }
        assertEcho(opcode, message, peer.readMessage());
    }

    static Stream<Arguments> opcodesAndChops() {
        return Stream.of(Arguments.of(TEXT, 0), Arguments.of(TEXT, 1), Arguments.of(BINARY, 0), Arguments.of(BINARY, 1));
    }

    /** Autobahn 6.1.2/6.1.3, 9.3/9.4 in small: many fragments, empty ones among them, echo as one message. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void aMessageInManyFragmentsIncludingEmptyOnesEchoesWhole(int opcode) throws IOException {
        RawWebSocket peer = peer("5-many-" + opcode);
        byte[] message = printable(64 * 1024, 9);
        List<Frame> frames = new ArrayList<>();
        frames.add(Frame.of(opcode, new byte[0]).more());
        for (Frame part : fragments(opcode, message, 1000)) {
            frames.add(Frame.continuation(part.payload()).more());
            frames.add(Frame.continuation(new byte[0]).more());
        }
        frames.add(Frame.continuation(new byte[0]));
        peer.send(frames.toArray(Frame[]::new));
        assertEcho(opcode, message, peer.readMessage());
    }

    /** Autobahn 6.1.2: a text message of empty fragments only echoes as an empty message. */
    @Test
    void aMessageOfEmptyFragmentsOnlyEchoesAsAnEmptyMessage() throws IOException {
        RawWebSocket peer = peer("6.1.2");
        peer.send(Frame.text(new byte[0]).more(), Frame.continuation(new byte[0]).more(), Frame.continuation(new byte[0]));
        assertEcho(TEXT, new byte[0], peer.readMessage());
    }

    /** Autobahn 5.9-5.14: a continuation frame with nothing to continue fails the connection. */
    @ParameterizedTest(name = "fin {0}")
    @ValueSource(booleans = {true, false})
    void aContinuationWithoutAStartFailsTheConnectionWith1002(boolean fin) throws IOException {
        RawWebSocket peer = peer("5.9-" + fin);
        peer.send(Frame.continuation(utf8("nothing to continue")).fin(fin));
        peer.sendIfStillOpen(Frame.text("after"));
        assertFailedWith(1002, peer);
    }

    /** Autobahn 5.15-5.17: a continuation after a message that already ended fails the connection. */
    @Test
    void aContinuationAfterACompletedMessageFailsTheConnectionWith1002() throws IOException {
        RawWebSocket peer = peer("5.15");
        peer.send(Frame.text("frag").more(), Frame.continuation(utf8("ment")));
        assertEquals("fragment", peer.readMessage().text());
        peer.send(Frame.continuation(utf8("nothing to continue")).more(), Frame.text("after"));
        assertFailedWith(1002, peer);
    }

    /** Autobahn 5.18: a new data frame before the fragmented message ended fails the connection. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void aNewDataFrameInsideAFragmentedMessageFailsTheConnectionWith1002(int opcode) throws IOException {
        RawWebSocket peer = peer("5.18-" + opcode);
        peer.send(Frame.text("unfinished").more(), Frame.of(opcode, utf8("new message")));
        assertFailedWith(1002, peer);
    }

    // ------------------------------------------------------------ 6 UTF-8

    /** Valid UTF-8 from Autobahn 6.2, 6.5, 6.7, 6.9, 6.11 (boundaries), 6.22 (noncharacters), 6.23 (specials). */
    static Stream<Arguments> validUtf8() {
        return Stream.of(
                Arguments.of("6.2.1 mixed", utf8("Hello-µ@ßöäüàá-UTF-8!!")),
                Arguments.of("6.5.1 kosme", hex("CEBAE1BDB9CF83CEBCCEB5")),
                Arguments.of("6.7.1 U+0000", hex("00")),
                Arguments.of("6.7.2 U+0080", hex("C280")),
                Arguments.of("6.7.3 U+0800", hex("E0A080")),
                Arguments.of("6.7.4 U+10000", hex("F0908080")),
                Arguments.of("6.9.1 U+007F", hex("7F")),
                Arguments.of("6.9.2 U+07FF", hex("DFBF")),
                Arguments.of("6.9.3 U+FFFF", hex("EFBFBF")),
                Arguments.of("6.9.4 U+10FFFF", hex("F48FBFBF")),
                Arguments.of("6.11.1 U+D7FF", hex("ED9FBF")),
                Arguments.of("6.11.2 U+E000", hex("EE8080")),
                Arguments.of("6.11.3 U+FFFD", hex("EFBFBD")),
                Arguments.of("6.22.1 U+FFFE", hex("EFBFBE")),
                Arguments.of("6.22.x U+FDD0", hex("EFB790")),
                Arguments.of("6.22.x U+1FFFE", hex("F09FBFBE")),
                Arguments.of("6.22.34 U+10FFFE", hex("F48FBFBE")),
                Arguments.of("6.23.1 U+FFF9", hex("EFBFB9")),
                Arguments.of("4-byte mix", utf8("a€😀𝄞z\u0000ü")),
                Arguments.of("BOM not first", concat(utf8("a"), hex("EFBBBF"), utf8("b"))));
    }

    /** Autobahn 6.2.1, 6.5.x-6.23.x: valid UTF-8 text in one frame echoes byte for byte. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validUtf8")
    void validUtf8TextEchoesByteForByte(String name, byte[] text) throws IOException {
        RawWebSocket peer = peer("6-valid");
        peer.send(Frame.text(text));
        assertEcho(TEXT, text, peer.readMessage());
    }

    /** Autobahn 6.2.3/6.2.4, 6.5.x fragmented: valid text split into one-byte fragments (mid-sequence) echoes whole. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validUtf8")
    void validUtf8TextSplitIntoOneByteFragmentsEchoesByteForByte(String name, byte[] text) throws IOException {
        RawWebSocket peer = peer("6-valid-bytewise");
        peer.send(fragments(TEXT, text, 1));
        assertEcho(TEXT, text, peer.readMessage());
    }

    /** 4-byte sequences split at every position across two fragments echo exactly. */
    @ParameterizedTest(name = "split after byte {0}")
    @ValueSource(ints = {1, 2, 3})
    void aFourByteSequenceSplitAcrossFragmentsEchoesExactly(int split) throws IOException {
        RawWebSocket peer = peer("6-4byte-" + split);
        byte[] text = utf8("x😀𝄞y");
        int cut = 1 + split;
        peer.send(Frame.text(Arrays.copyOf(text, cut)).more(), Frame.continuation(Arrays.copyOfRange(text, cut, cut + 4)).more(),
                Frame.continuation(Arrays.copyOfRange(text, cut + 4, text.length)));
        assertEcho(TEXT, text, peer.readMessage());
    }

    /** Invalid UTF-8 from Autobahn 6.3, 6.6, 6.8, 6.10, 6.11, 6.12-6.21. */
    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("6.3.1 kosme + surrogate", hex("CEBAE1BDB9CF83CEBCCEB5EDA080656469746564")),
                Arguments.of("6.6.x kosme cut mid-sequence", hex("CEBAE1BD")),
                Arguments.of("6.8.1 5-byte", hex("F888808080")),
                Arguments.of("6.8.2 6-byte", hex("FC8480808080")),
                Arguments.of("6.10.1 U+1FFFFF", hex("F7BFBFBF")),
                Arguments.of("6.11.5 U+110000", hex("F4908080")),
                Arguments.of("6.12.1 lone continuation 80", hex("80")),
                Arguments.of("6.12.2 lone continuation BF", hex("BF")),
                Arguments.of("6.12.8 continuations", hex("80BF80BF80BF")),
                Arguments.of("6.13.1 lonely start C0", hex("C020")),
                Arguments.of("6.13.3 lonely start E0", hex("E020")),
                Arguments.of("6.13.4 lonely start F0", hex("F020")),
                Arguments.of("6.14.1 missing last byte (2)", hex("C0")),
                Arguments.of("6.14.3 missing last byte (3)", hex("E080")),
                Arguments.of("6.14.8 missing last byte (4)", hex("F7BFBF")),
                Arguments.of("6.14.x truncated at the end", concat(utf8("ab"), hex("F09F98"))),
                Arguments.of("6.15.1 incomplete sequences", hex("C0E080F08080F8808080FC80808080DFEFBFF7BFBFFBBFBFBFFDBFBFBFBF")),
                Arguments.of("6.16.1 FE", hex("FE")),
                Arguments.of("6.16.2 FF", hex("FF")),
                Arguments.of("6.16.3 FEFEFFFF", hex("FEFEFFFF")),
                Arguments.of("6.17.1 overlong /", hex("C0AF")),
                Arguments.of("6.17.2 overlong / (3)", hex("E080AF")),
                Arguments.of("6.17.3 overlong / (4)", hex("F08080AF")),
                Arguments.of("6.18.1 max overlong C1BF", hex("C1BF")),
                Arguments.of("6.18.2 max overlong E09FBF", hex("E09FBF")),
                Arguments.of("6.18.3 max overlong F08FBFBF", hex("F08FBFBF")),
                Arguments.of("6.19.1 overlong NUL", hex("C080")),
                Arguments.of("6.19.2 overlong NUL (3)", hex("E08080")),
                Arguments.of("6.20.1 U+D800", hex("EDA080")),
                Arguments.of("6.20.7 U+DFFF", hex("EDBFBF")),
                Arguments.of("6.21.1 surrogate pair", hex("EDA080EDB080")),
                Arguments.of("6.21.8 surrogate pair", hex("EDAFBFEDBFBF")));
    }

    /** Autobahn 6.3.1, 6.6-6.21 (one frame): invalid UTF-8 text fails the connection with 1007 (RFC 6455 §8.1). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8InOneFrameFailsTheConnectionWith1007(String name, byte[] text) throws IOException {
        RawWebSocket peer = peer("6-invalid");
        peer.send(Frame.text(text));
        peer.sendIfStillOpen(Frame.ping(utf8("not answered")));
        assertFailedWith(1007, peer);
    }

    /** Autobahn 6.3.2, 6.6.x fragmented: the same, split into one-byte fragments. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8SplitIntoOneByteFragmentsFailsTheConnectionWith1007(String name, byte[] text) throws IOException {
        RawWebSocket peer = peer("6-invalid-bytewise");
        peer.sendIfStillOpen(fragments(TEXT, text, 1)); // the runtime fails fast: it may close before the last fragment
        peer.sendIfStillOpen(Frame.ping(utf8("not answered")));
        assertFailedWith(1007, peer);
    }

    /**
     * Autobahn 6.4.1/6.4.2 (fail fast per fragment): a fragment that makes the text invalid fails the
     * connection without waiting for the rest of the message; the valid fragment before it did not
     * (a ping after it is answered).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"F4908080", "EDA080", "80"})
    void anInvalidFragmentFailsTheConnectionBeforeTheMessageEnds(String invalid) throws IOException {
        RawWebSocket peer = peer("6.4.1");
        peer.send(Frame.text(hex("CEBAE1BDB9CF83CEBCCEB5")).more(), Frame.ping(utf8("still valid")));
        Received pong = peer.readFrame();
        assertEquals(PONG, pong.opcode(), "the valid first fragment is accepted: " + pong);
        peer.send(Frame.continuation(hex(invalid)).more());
        assertFailedWith(1007, peer); // the message's last fragment is never sent
    }

    /** A sequence that is valid so far but left incomplete when the message ends fails with 1007. */
    @Test
    void aSequenceLeftIncompleteAtTheEndOfAFragmentedMessageFailsWith1007() throws IOException {
        RawWebSocket peer = peer("6-incomplete");
        peer.send(Frame.text(concat(utf8("ab"), hex("F09F98"))).more(), Frame.ping(utf8("still valid")));
        assertEquals(PONG, peer.readFrame().opcode(), "a prefix of a valid sequence is accepted mid-message");
        peer.send(Frame.continuation(new byte[0]));
        assertFailedWith(1007, peer);
    }

    /**
     * Autobahn 6.4.3/6.4.4 (one frame, in chops): invalid UTF-8 is detected no later than the end of
     * its frame. Autobahn's strict outcome, failing as soon as the invalid bytes arrive while the
     * frame is still incomplete, is not met (the runtime's decoder validates a frame once it has
     * all of it; Autobahn rates that NON-STRICT, and RFC 6455 does not require more).
     */
    @Test
    void invalidUtf8InAFrameArrivingInChopsIsDetectedByTheFramesEnd() throws IOException {
        RawWebSocket peer = peer("6.4.3");
        byte[] wire = Frame.text(concat(hex("CEBAE1BDB9CF83CEBCCEB5"), hex("F4908080"), utf8("edited"))).encode();
        int header = 6;
        peer.sendBytes(wire, 0, header + 11); // header and the valid part
        peer.sendBytes(wire, header + 11, 4); // the invalid code point
        peer.sendBytes(wire, header + 15, wire.length - header - 15);
        assertFailedWith(1007, peer);
    }

    // ------------------------------------------------------------ 7 close handling

    /** Autobahn 7.3.1: a close without payload is answered with a close (empty or 1000), then TCP closes. */
    @Test
    void aCloseWithoutPayloadIsAnsweredAndTheServerClosesTcp() throws IOException {
        RawWebSocket peer = peer("7.3.1");
        peer.send(Frame.closeWithPayload(new byte[0]));
        Ending ending = peer.readUntilClose();
        assertEquals(List.of(), ending.before());
        assertTrue(ending.close().code() == 1005 || ending.close().code() == 1000, ending.close().toString());
        assertTrue(peer.serverClosedTcp(WAIT), "the server closes the TCP connection after the close handshake");
    }

    /** Autobahn 7.1.1, 7.3.3-7.3.5: a close with code 1000 (and a reason up to 123 bytes) is echoed. */
    @ParameterizedTest(name = "reason of {0} bytes")
    @ValueSource(ints = {0, 5, 123})
    void aCloseWithCode1000AndAReasonIsEchoed(int reasonLength) throws IOException {
        RawWebSocket peer = peer("7.3.4-" + reasonLength);
        peer.send(Frame.text("before the close"));
        assertEquals("before the close", peer.readMessage().text());
        String reason = new String(printable(reasonLength, 73), java.nio.charset.StandardCharsets.US_ASCII);
        peer.send(Frame.close(1000, reason));
        Ending ending = peer.readUntilClose();
        assertEquals(List.of(), ending.before());
        assertEquals(1000, ending.close().code());
        assertTrue(peer.serverClosedTcp(WAIT), "the server closes the TCP connection after the close handshake");
    }

    /** Autobahn 7.7.x: every valid close code is answered (echoed, or 1000). */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
    void aCloseWithAValidCodeIsAnsweredWithThatCodeOrNormal(int code) throws IOException {
        RawWebSocket peer = peer("7.7-" + code);
        peer.send(Frame.close(code, "bye"));
        Ending ending = peer.readUntilClose();
        assertEquals(List.of(), ending.before());
        assertTrue(ending.close().code() == code || ending.close().code() == 1000, ending.close().toString());
        assertTrue(peer.serverClosedTcp(WAIT));
    }

    /** Autobahn 7.3.2: a close payload of one byte (half a status code) fails the connection with 1002. */
    @Test
    void aCloseWithAOneBytePayloadFailsTheConnectionWith1002() throws IOException {
        RawWebSocket peer = peer("7.3.2");
        peer.send(Frame.closeWithPayload(new byte[] {0x03}));
        assertFailedWith(1002, peer);
    }

    /**
     * Autobahn 7.13.1/7.13.2 (informational: "actual events are undefined by the spec"): after a
     * close with a code above 4999 the connection ends; a close frame, if any, says 1000, the
     * same code or 1002. (The runtime's strict answer, 1002, and what the page is told:
     * {@link StrictCloseAndTextTest#aCloseWithACodeAbove4999IsAnsweredWithAClose1002AndThePageIsTold}.)
     */
    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {5000, 65535})
    void aCloseWithACodeAbove4999EndsTheConnection(int code) throws IOException {
        RawWebSocket peer = peer("7.13-" + code);
        peer.send(Frame.close(code, ""));
        Ending ending = peer.readUntilCloseOrEnd(WAIT);
        assertEquals(List.of(), ending.before());
        if (ending.close() != null) {
            assertTrue(List.of(1000, code, 1002).contains(ending.close().code()), ending.close().toString());
            assertTrue(peer.serverClosedTcp(WAIT));
        }
    }

    /**
     * Autobahn 7.1.2-7.1.5: after the client's close, further frames (a second close, a ping, a
     * text, the rest of a fragmented message) are ignored; the server answers the close only.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"close", "ping", "text", "continuation"})
    void framesAfterTheClientsCloseAreIgnored(String after) throws IOException {
        RawWebSocket peer = peer("7.1-" + after);
        List<Frame> frames = new ArrayList<>();
        if (after.equals("continuation")) {
            frames.add(Frame.text("fragment").more());
        }
        frames.add(Frame.close(1000, "first"));
        frames.add(switch (after) {
            case "close" -> Frame.close(1001, "second");
            case "ping" -> Frame.ping(utf8("after close"));
            case "text" -> Frame.text("after close");
            default -> Frame.continuation(utf8(" and its end"));
        });
        peer.send(frames.toArray(Frame[]::new));
        Ending ending = peer.readUntilClose();
        assertEquals(List.of(), ending.before(), "nothing answered before the close");
        assertEquals(1000, ending.close().code());
        assertEquals("first", ending.close().reason());
        assertTrue(peer.serverClosedTcp(WAIT), "the server closes the TCP connection after the close handshake");
    }

    /**
     * Autobahn 7.1.6 (informational): a large message, then a close, then a ping: the close
     * handshake completes and the ping is not answered. (The echo of the message does not make it:
     * the close is answered before the page's echo returns, which Autobahn allows.)
     */
    @Test
    void aCloseRightAfterALargeMessageCompletesTheHandshake() throws IOException {
        RawWebSocket peer = peer("7.1.6");
        byte[] large = printable(256 * 1024, 716);
        peer.send(Frame.text(large), Frame.close(1000, ""), Frame.ping(utf8("after close")));
        Ending ending = peer.readUntilClose();
        for (Received frame : ending.before()) { // the echo may or may not make it before the close
            assertEquals(TEXT, frame.opcode(), "only the echo may precede the close: " + frame);
        }
        assertEquals(1000, ending.close().code());
        assertTrue(peer.serverClosedTcp(WAIT));
    }

    // ------------------------------------------------------------ 9 limits

    /** Autobahn 9.1.6/9.2.6: a message of exactly the runtime's limit (16 MiB) echoes, text and binary. */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void aMessageOfExactlyTheLimitEchoes(int opcode) throws Exception {
        assertEquals(16 << 20, LIMIT, "the runtime's default limit");
        RawWebSocket peer = peer("9.1.6-" + opcode);
        byte[] payload = opcode == TEXT ? printable(LIMIT, 916) : random(LIMIT, 926);
        CompletableFuture<Void> writing = inBackground(() -> peer.send(Frame.of(opcode, payload)));
        Message echo = peer.readMessage(Duration.ofSeconds(20));
        writing.get(1, TimeUnit.SECONDS);
        assertEcho(opcode, payload, echo);
    }

    /** A message one byte over the limit closes the connection with 1009, whole or fragmented. */
    @ParameterizedTest(name = "fragments of {0} bytes")
    @ValueSource(ints = {0, 4 << 20})
    void aMessageOneByteOverTheLimitClosesTheConnectionWith1009(int fragment) throws Exception {
        RawWebSocket peer = peer("9-over-" + fragment);
        byte[] payload = random(LIMIT + 1, 9);
        Frame[] frames = fragment == 0 ? new Frame[] {Frame.binary(payload)} : fragments(BINARY, payload, fragment);
        CompletableFuture<Void> writing = inBackground(() -> peer.sendIfStillOpen(frames));
        Closed close = assertFailedWith(1009, peer);
        System.out.println("over the limit (fragments " + fragment + "): " + close);
        writing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Autobahn 9.7/9.8 in spirit: 10,000 messages of 64 bytes sent in a burst all echo, in order. */
    @Test
    void tenThousandSmallMessagesInABurstAllEchoInOrder() throws Exception {
        RawWebSocket peer = peer("9.7");
        int count = 10_000;
        CompletableFuture<Void> writing = inBackground(() -> {
            Frame[] batch = new Frame[100];
            for (int i = 0; i < count; i += batch.length) {
                for (int j = 0; j < batch.length; j++) {
                    batch[j] = Frame.text(message64(i + j));
                }
                peer.send(batch);
            }
        });
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Message echo = peer.readMessage();
            assertEquals(TEXT, echo.opcode());
            assertEquals(message64(i), echo.text(), "message " + i);
        }
        writing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        System.out.printf("%d messages of 64 B echoed in %.0f ms%n", count, (System.nanoTime() - start) / 1e6);
    }

    static String message64(int i) {
        String head = "message " + i + " ";
        return head + "*".repeat(64 - head.length());
    }
}
