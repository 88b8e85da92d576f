package org.browsersocket.runtime.page;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.browsersocket.protocol.DataFrame;

/**
 * What goes to one page during one turn of its control channel's event loop (data frames and
 * control messages, in order), and the layout of a batch ({@link DataFrame#KIND_BATCH}), built and
 * read here only. A lone data frame goes out as a plain data frame, a lone control message as a
 * text frame; several go out as one batch, payload bytes as they are (the batch is a composite of
 * headers and the peers' own buffers, not a copy).
 */
final class DataBatch {
    /** A batch is sent once it holds this many payload bytes, without waiting for the turn to end. */
    static final int FLUSH_BYTES = 64 * 1024;

    /** One frame waiting: its payload (a reference the batch owns) and the peer it came from, or null. */
    private record Waiting(byte kind, int id, ByteBuf payload, Channel source) {}

    private final List<Waiting> waiting = new ArrayList<>();
    private int bytes;

    /** Adds a frame; the batch takes over the reference to {@code payload}. */
    void add(byte kind, int id, ByteBuf payload, Channel source) {
        waiting.add(new Waiting(kind, id, payload, source));
        bytes += payload.readableBytes();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    boolean isFull() {
        return bytes >= FLUSH_BYTES;
    }

    /** The peers whose frames are in the batch (to pause if the control channel backs up). */
    void forEachSource(Consumer<Channel> action) {
        for (Waiting frame : waiting) {
            if (frame.source() != null) {
                action.accept(frame.source());
            }
        }
    }

    /**
     * Takes the waiting frames out as one message: a text frame for a lone control message, a
     * plain data frame for a lone data frame, a batch otherwise. The batch is empty afterwards.
     */
    WebSocketFrame take(ByteBufAllocator alloc) {
        WebSocketFrame message;
        if (waiting.size() == 1 && waiting.get(0).kind() == DataFrame.KIND_CONTROL) {
            message = new TextWebSocketFrame(waiting.get(0).payload());
        } else if (waiting.size() == 1) {
            Waiting only = waiting.get(0);
            ByteBuf header = alloc.buffer(DataFrame.HEADER_BYTES).writeByte(only.kind()).writeInt(only.id());
            message = new BinaryWebSocketFrame(alloc.compositeBuffer(2).addComponents(true, header, only.payload()));
        } else {
            int count = waiting.size();
            int entryHeader = DataFrame.BATCH_LENGTH_BYTES + DataFrame.HEADER_BYTES;
            ByteBuf headers = alloc.buffer(DataFrame.HEADER_BYTES + count * entryHeader);
            headers.writeByte(DataFrame.KIND_BATCH).writeInt(count);
            CompositeByteBuf batch = alloc.compositeBuffer(2 * count + 1);
            batch.addComponent(true, headers.retainedSlice(0, DataFrame.HEADER_BYTES));
            for (Waiting frame : waiting) {
                int at = headers.writerIndex();
                headers.writeInt(DataFrame.HEADER_BYTES + frame.payload().readableBytes())
                        .writeByte(frame.kind()).writeInt(frame.id());
                batch.addComponent(true, headers.retainedSlice(at, entryHeader));
                batch.addComponent(true, frame.payload());
            }
            headers.release(); // the slices hold it now
            message = new BinaryWebSocketFrame(batch);
        }
        waiting.clear();
        bytes = 0;
        return message;
    }

    /** Drops what is waiting (the page went away). */
    void discard() {
        waiting.forEach(frame -> frame.payload().release());
        waiting.clear();
        bytes = 0;
    }

    /**
     * Calls {@code frame} with each data frame of the batch {@code content} (from its kind byte on),
     * as a slice of it; returns null, or what is wrong with the batch (frames before the fault were
     * handed on).
     */
    static String forEachFrame(ByteBuf content, Consumer<ByteBuf> frame) {
        int at = content.readerIndex() + 1;
        int end = content.writerIndex();
        long count = content.getUnsignedInt(at);
        at += 4;
        for (long i = 0; i < count; i++) {
            if (end - at < DataFrame.BATCH_LENGTH_BYTES) {
                return "a batch of " + count + " data frames ends after " + i;
            }
            long length = content.getUnsignedInt(at);
            at += DataFrame.BATCH_LENGTH_BYTES;
            if (length > end - at) {
                return "frame " + (i + 1) + " of a batch claims " + length + " bytes, " + (end - at) + " are left";
            }
            ByteBuf one = content.slice(at, (int) length);
            if (length >= 1 && one.getByte(0) == DataFrame.KIND_BATCH) {
                return "a batch may not hold a batch";
            }
            frame.accept(one);
            at += (int) length;
        }
        return at == end ? null : "a batch of " + count + " data frames has " + (end - at) + " bytes more";
    }
}
