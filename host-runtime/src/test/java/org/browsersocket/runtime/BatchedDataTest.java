package org.browsersocket.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.DataFrame;
import org.browsersocket.runtime.testing.JavaPage;
import org.browsersocket.runtime.testing.JavaPeer;
import org.browsersocket.runtime.testing.RawPeer;
import org.browsersocket.runtime.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Data frames travel batched on a page's control channel: what peers send together reaches the page
 * in one message, what the page sends together reaches each peer, in order, and closes and errors
 * in the middle of a batch affect only their own connection.
 */
class BatchedDataTest {
    private RuntimeFixture fixture;
    private JavaPage page;
    private String url;

    /** A runtime, and a page on it that listens and accepts every peer. */
    private void startAcceptingPage() throws Exception {
        fixture = RuntimeFixture.start();
        page = fixture.page().accepting();
        url = page.listen();
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private RawPeer rawPeer(String url) throws Exception {
        return fixture.closeLater(RawPeer.upgraded("127.0.0.1", fixture.runtime().publicPort(), RuntimeFixture.path(url)));
    }

    private static List<String> texts(JavaPage page, int count) throws InterruptedException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JavaPage.Data data = page.nextData();
            texts.add(data.conn() + ":" + data.text());
        }
        return texts;
    }

    @Test
    void messagesAPeerSendsInOneWriteReachThePageInOneBatchInOrder() throws Exception {
        startAcceptingPage();
        RawPeer peer = rawPeer(url + "a");
        int conn = page.expect(ControlMessage.Open.class).conn();
        List<byte[]> frames = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(RawPeer.frame(RawPeer.Frame.TEXT, true, utf8("m" + i)));
            expected.add(conn + ":m" + i);
        }
        peer.sendTogether(frames.toArray(byte[][]::new));
        assertEquals(expected, texts(page, 20));
        assertTrue(page.batchesRead() >= 1, "20 messages read together crossed in at least one batch");
    }

    @Test
    void aPeersMessagesAndItsCloseReadTogetherReachThePageInThatOrder() throws Exception {
        startAcceptingPage();
        RawPeer peer = rawPeer(url + "a");
        int conn = page.expect(ControlMessage.Open.class).conn();
        byte[] close = {0x03, (byte) 0xE8}; // 1000
        peer.sendTogether(RawPeer.frame(RawPeer.Frame.TEXT, true, utf8("one")),
                RawPeer.frame(RawPeer.Frame.TEXT, true, utf8("two")),
                RawPeer.frame(RawPeer.Frame.CLOSE, true, close));
        assertEquals(List.of(conn + ":one", conn + ":two"), texts(page, 2));
        ControlMessage.Close closed = page.expect(ControlMessage.Close.class);
        assertEquals(1000, closed.code());
        List<String> arrivals = page.arrivals();
        assertEquals(List.of("data " + conn, "data " + conn, "close"), arrivals.subList(arrivals.size() - 3, arrivals.size()));
    }

    @Test
    void aBatchFromThePageReachesInterleavedConnectionsEachInOrder() throws Exception {
        startAcceptingPage();
        JavaPeer first = fixture.peer(url + "first");
        int a = page.expect(ControlMessage.Open.class).conn();
        JavaPeer second = fixture.peer(url + "second");
        int b = page.expect(ControlMessage.Open.class).conn();
        page.sendBatch(List.of(new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("a1")),
                new JavaPage.Data(DataFrame.KIND_TEXT, b, utf8("b1")),
                new JavaPage.Data(DataFrame.KIND_BINARY, a, new byte[] {1, 2}),
                new JavaPage.Data(DataFrame.KIND_TEXT, b, utf8("b2")),
                new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("a3"))));
        assertEquals("a1", first.nextText());
        assertEquals(2, first.nextBinary().length);
        assertEquals("a3", first.nextText());
        assertEquals("b1", second.nextText());
        assertEquals("b2", second.nextText());
    }

    @Test
    void aFrameForAClosedConnectionOrWithInvalidTextInTheMiddleOfABatchSparesTheOthers() throws Exception {
        startAcceptingPage();
        JavaPeer staying = fixture.peer(url + "staying");
        int a = page.expect(ControlMessage.Open.class).conn();
        JavaPeer leaving = fixture.peer(url + "leaving");
        int b = page.expect(ControlMessage.Open.class).conn();
        leaving.close();
        assertEquals(b, page.expect(ControlMessage.Close.class).conn());
        page.sendBatch(List.of(new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("before")),
                new JavaPage.Data(DataFrame.KIND_TEXT, b, utf8("to the one that left")),
                new JavaPage.Data(DataFrame.KIND_TEXT, a, new byte[] {(byte) 0xC3, 0x28}), // invalid UTF-8
                new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("after"))));
        assertTrue(page.expect(ControlMessage.Error.class).reason().contains("not valid UTF-8"));
        assertEquals("before", staying.nextText());
        assertEquals("after", staying.nextText());
    }

    @Test
    void aControlMessageInABatchFromThePageActsAfterTheDataBeforeIt() throws Exception {
        startAcceptingPage();
        JavaPeer peer = fixture.peer(url + "p");
        int a = page.expect(ControlMessage.Open.class).conn();
        page.sendBatch(List.of(new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("last words")),
                new JavaPage.Data(DataFrame.KIND_CONTROL, 0, utf8("{\"type\":\"close\",\"conn\":" + a + ",\"code\":4001,\"reason\":\"done\"}"))));
        assertEquals("last words", peer.nextText());
        assertEquals(4001, peer.awaitClose().code());
    }

    @Test
    void aBatchCutShortDeliversItsWholeFramesAndTellsThePage() throws Exception {
        startAcceptingPage();
        JavaPeer peer = fixture.peer(url + "p");
        int a = page.expect(ControlMessage.Open.class).conn();
        java.nio.ByteBuffer batch = JavaPage.batch(List.of(new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("whole")),
                new JavaPage.Data(DataFrame.KIND_TEXT, a, utf8("cut off"))));
        page.send(batch.limit(batch.limit() - 3));
        assertTrue(page.expect(ControlMessage.Error.class).reason().contains("batch"));
        assertEquals("whole", peer.nextText());
        page.sendData(DataFrame.KIND_TEXT, a, utf8("still relayed"));
        assertEquals("still relayed", peer.nextText());
    }

    @Test
    void aPageThatDoesNotSayItReadsBatchesGetsSingleFrames() throws Exception {
        fixture = RuntimeFixture.start();
        JavaPage page = fixture.page().accepting();
        page.send(new ControlMessage.Hello(page.token()));
        assertEquals(Boolean.TRUE, page.expect(ControlMessage.Welcome.class).batches(), "the runtime reads batches all the same");
        String url = page.listen(0);
        RawPeer peer = rawPeer(url + "a");
        page.expect(ControlMessage.Open.class);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(RawPeer.frame(RawPeer.Frame.TEXT, true, utf8("m" + i)));
        }
        peer.sendTogether(frames.toArray(byte[][]::new));
        assertEquals(20, texts(page, 20).size());
        assertEquals(0, page.batchesRead());
    }
}
