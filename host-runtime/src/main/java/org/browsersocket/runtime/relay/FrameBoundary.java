package org.browsersocket.runtime.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Follows what a registrant sends a relayed peer, without copying it: first the HTTP response to
 * the peer's upgrade request, then (after a 101) WebSocket frames, whose headers it reads to know
 * where each frame ends. When the registrant goes away between two frames, the relay can still
 * give the peer a proper close frame ({@link #closeFrame}); in the middle of a frame it cannot.
 */
final class FrameBoundary {
    private static final int MAX_HEAD = 16 * 1024;

    private enum State { HEAD, FRAME_HEADER, PAYLOAD, OTHER }

    private State state = State.HEAD;
    private final byte[] header = new byte[14];
    private int headerBytes;
    private long payloadLeft;
    private int headBytes;
    private int lastFour;
    private final StringBuilder statusLine = new StringBuilder();
    private boolean closeSent;

    /** Reads the bytes of {@code buf} (its reader index is left alone). */
    void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            switch (state) {
                case HEAD -> {
                    byte b = buf.getByte(i++);
                    if (statusLine.length() < 12) {
                        statusLine.append((char) (b & 0xff));
                    }
                    lastFour = (lastFour << 8) | (b & 0xff);
                    if (lastFour == 0x0d0a0d0a) {
                        state = statusLine.toString().startsWith("HTTP/1.1 101") ? State.FRAME_HEADER : State.OTHER;
                    } else if (++headBytes > MAX_HEAD) {
                        state = State.OTHER;
                    }
                }
                case PAYLOAD -> {
                    long n = Math.min(payloadLeft, end - i);
                    i += (int) n;
                    payloadLeft -= n;
                    if (payloadLeft == 0) {
                        state = State.FRAME_HEADER;
                    }
                }
                case FRAME_HEADER -> {
                    header[headerBytes++] = buf.getByte(i++);
                    frameHeaderProgress();
                }
                case OTHER -> i = end;
            }
        }
    }

    private void frameHeaderProgress() {
        if (headerBytes < 2) {
            return;
        }
        int len7 = header[1] & 0x7f;
        boolean masked = (header[1] & 0x80) != 0;
        int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (headerBytes < needed) {
            return;
        }
        long length = len7;
        if (len7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (header[k] & 0xffL);
            }
        }
        if ((header[0] & 0x0f) == 0x8) {
            closeSent = true;
        }
        headerBytes = 0;
        payloadLeft = length;
        state = length > 0 ? State.PAYLOAD : State.FRAME_HEADER;
    }

    /** Whether a close frame may be written to the peer now: the connection is a WebSocket between frames, not yet closing. */
    boolean canClose() {
        return state == State.FRAME_HEADER && headerBytes == 0 && !closeSent;
    }

    /** An unmasked close frame, as a server sends it. */
    static ByteBuf closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer(4 + text.length);
        frame.writeByte(0x88).writeByte(2 + text.length).writeShort(code).writeBytes(text);
        return frame;
    }
}
