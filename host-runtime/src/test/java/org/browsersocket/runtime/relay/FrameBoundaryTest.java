package org.browsersocket.runtime.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The relay knows where a registrant's frames to a peer end, however the bytes are cut. */
class FrameBoundaryTest {
    static final byte[] SWITCHING = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    static byte[] frame(int opcode, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (length < 126) {
            out.write(length);
        } else if (length < 65536) {
            out.write(126);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >> shift));
            }
        }
        out.writeBytes(new byte[length]);
        return out.toByteArray();
    }

    static void feedByteByByte(FrameBoundary boundary, byte[] bytes) {
        for (byte b : bytes) {
            ByteBuf one = Unpooled.wrappedBuffer(new byte[] {b});
            boundary.scan(one);
            assertTrue(one.readerIndex() == 0, "scanning reads nothing away");
        }
    }

    @Test
    void betweenFramesAfterA101ACloseFrameMayBeWritten() {
        FrameBoundary boundary = new FrameBoundary();
        assertFalse(boundary.canClose(), "not before the 101");
        feedByteByByte(boundary, SWITCHING);
        assertTrue(boundary.canClose());
        byte[] small = frame(1, 5);
        byte[] medium = frame(2, 300);
        byte[] large = frame(2, 70_000);
        for (byte[] frame : new byte[][] {small, medium, large}) {
            feedByteByByte(boundary, java.util.Arrays.copyOf(frame, frame.length - 1));
            assertFalse(boundary.canClose(), "not in the middle of a frame");
            feedByteByByte(boundary, new byte[] {frame[frame.length - 1]});
            assertTrue(boundary.canClose(), "after a whole frame");
        }
        boundary.scan(Unpooled.wrappedBuffer(frame(2, 10), frame(1, 0), frame(9, 3)));
        assertTrue(boundary.canClose(), "several frames in one read");
    }

    @Test
    void aRefusalOrAStartedCloseIsNeverFollowedByAnotherCloseFrame() {
        FrameBoundary refused = new FrameBoundary();
        refused.scan(Unpooled.wrappedBuffer("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(refused.canClose(), "no WebSocket: no close frame");

        FrameBoundary closing = new FrameBoundary();
        closing.scan(Unpooled.wrappedBuffer(SWITCHING));
        closing.scan(Unpooled.wrappedBuffer(frame(8, 2)));
        assertFalse(closing.canClose(), "the registrant already sent its close frame");
    }
}
