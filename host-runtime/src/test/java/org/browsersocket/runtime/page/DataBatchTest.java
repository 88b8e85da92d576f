package org.browsersocket.runtime.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.browsersocket.protocol.DataFrame;
import org.junit.jupiter.api.Test;

/** The layout of a batch of data frames: built from the frames of one turn, read back frame by frame. */
class DataBatchTest {
    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static List<String> read(ByteBuf batch, List<String> seen) {
        String fault = DataBatch.forEachFrame(batch, frame -> seen.add(frame.getByte(0) + "/" + frame.getInt(1) + "/"
                + frame.toString(DataFrame.HEADER_BYTES, frame.readableBytes() - DataFrame.HEADER_BYTES, StandardCharsets.UTF_8)));
        seen.add(fault == null ? "ok" : "fault");
        return seen;
    }

    @Test
    void oneWaitingFrameGoesOutAsAPlainDataFrame() {
        DataBatch batch = new DataBatch();
        batch.add(DataFrame.KIND_TEXT, 7, bytes("hi"), null);
        ByteBuf message = batch.take(ByteBufAllocator.DEFAULT).content();
        assertEquals(DataFrame.KIND_TEXT, message.getByte(0));
        assertEquals(7, message.getInt(1));
        assertEquals("hi", message.toString(5, 2, StandardCharsets.UTF_8));
        assertEquals(true, batch.isEmpty());
        message.release();
    }

    @Test
    void oneWaitingControlMessageGoesOutAsATextFrameAndSeveralTravelInTheBatch() {
        DataBatch batch = new DataBatch();
        batch.add(DataFrame.KIND_CONTROL, 0, bytes("{\"type\":\"open\"}"), null);
        WebSocketFrame alone = batch.take(ByteBufAllocator.DEFAULT);
        assertEquals("{\"type\":\"open\"}", ((TextWebSocketFrame) alone).text());
        alone.release();
        batch.add(DataFrame.KIND_TEXT, 4, bytes("x"), null);
        batch.add(DataFrame.KIND_CONTROL, 0, bytes("{}"), null);
        ByteBuf together = batch.take(ByteBufAllocator.DEFAULT).content();
        assertEquals(List.of("0/4/x", "5/0/{}", "ok"), read(together, new ArrayList<>()));
        together.release();
    }

    @Test
    void framesOfInterleavedConnectionsComeBackInTheirOrder() {
        DataBatch batch = new DataBatch();
        batch.add(DataFrame.KIND_TEXT, 1, bytes("a"), null);
        batch.add(DataFrame.KIND_BINARY, 2, bytes("bb"), null);
        batch.add(DataFrame.KIND_TEXT, 1, bytes(""), null);
        batch.add(DataFrame.KIND_END, 3, Unpooled.EMPTY_BUFFER, null);
        ByteBuf message = batch.take(ByteBufAllocator.DEFAULT).content();
        assertEquals(DataFrame.KIND_BATCH, message.getByte(0));
        assertEquals(List.of("0/1/a", "1/2/bb", "0/1/", "3/3/", "ok"), read(message, new ArrayList<>()));
        message.release();
    }

    @Test
    void aBatchCutAtAnyByteYieldsTheWholeFramesBeforeTheCutAndAFault() {
        DataBatch batch = new DataBatch();
        batch.add(DataFrame.KIND_TEXT, 1, bytes("ab"), null);
        batch.add(DataFrame.KIND_BODY, 2, bytes("c"), null);
        batch.add(DataFrame.KIND_END, 3, Unpooled.EMPTY_BUFFER, null);
        ByteBuf message = batch.take(ByteBufAllocator.DEFAULT).content();
        // 5 header bytes, then frames of 4+7, 4+6 and 4+5 bytes, ending at 16, 26 and 35.
        for (int cut = DataFrame.HEADER_BYTES; cut < message.readableBytes(); cut++) {
            List<String> seen = read(message.slice(0, cut), new ArrayList<>());
            int whole = cut < 16 ? 0 : cut < 26 ? 1 : 2;
            assertEquals(whole + 1, seen.size(), "cut at " + cut + ": " + seen);
            assertEquals("fault", seen.get(whole), "cut at " + cut);
        }
        assertEquals(List.of("0/1/ab", "2/2/c", "3/3/", "ok"), read(message, new ArrayList<>()));
        message.release();
    }

    @Test
    void aBatchInsideABatchAndBytesAfterTheLastFrameAreFaults() {
        ByteBuf nested = Unpooled.buffer().writeByte(DataFrame.KIND_BATCH).writeInt(1)
                .writeInt(5).writeByte(DataFrame.KIND_BATCH).writeInt(0);
        assertNotNull(DataBatch.forEachFrame(nested, frame -> { }));
        ByteBuf trailing = Unpooled.buffer().writeByte(DataFrame.KIND_BATCH).writeInt(1)
                .writeInt(5).writeByte(DataFrame.KIND_END).writeInt(9).writeByte(0);
        List<String> seen = new ArrayList<>();
        assertEquals("fault", read(trailing, seen).get(1));
        ByteBuf empty = Unpooled.buffer().writeByte(DataFrame.KIND_BATCH).writeInt(0);
        assertNull(DataBatch.forEachFrame(empty, frame -> { }));
    }
}
