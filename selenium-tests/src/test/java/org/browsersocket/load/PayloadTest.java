package org.browsersocket.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {
    private static final long STAMP = 0x0123_4567_89ab_cdefL;

    @Test
    void binaryPayloadStartsWithTheStampAndHasTheRequestedLength() {
        ByteBuf buf = Payload.encode(ByteBufAllocator.DEFAULT, STAMP, true, Payload.filler(100));
        try {
            assertEquals(100, buf.readableBytes());
            assertEquals(STAMP, buf.getLong(0));
            assertEquals(STAMP, Payload.stamp(buf, true));
        } finally {
            buf.release();
        }
    }

    @Test
    void textPayloadIsAsciiWithTheStampAsHex() {
        ByteBuf buf = Payload.encode(ByteBufAllocator.DEFAULT, STAMP, false, Payload.filler(40));
        try {
            String text = buf.toString(StandardCharsets.US_ASCII);
            assertEquals(40, text.length());
            assertTrue(text.startsWith("0123456789abcdef"), text);
            assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7f), text);
            assertEquals(STAMP, Payload.stamp(buf, false));
        } finally {
            buf.release();
        }
    }

    @Test
    void smallestPayloadHoldsTheStampInBothEncodings() {
        for (boolean binary : new boolean[] {true, false}) {
            ByteBuf buf = Payload.encode(ByteBufAllocator.DEFAULT, Long.MAX_VALUE, binary, Payload.filler(Payload.MIN_BYTES));
            try {
                assertEquals(Payload.MIN_BYTES, buf.readableBytes());
                assertEquals(Long.MAX_VALUE, Payload.stamp(buf, binary));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void textWithoutAHexStampIsMalformed() {
        assertEquals(Payload.MALFORMED, Payload.stamp(Unpooled.copiedBuffer("hello, world! not hex", StandardCharsets.US_ASCII), false));
        assertEquals(Payload.MALFORMED, Payload.stamp(Unpooled.copiedBuffer("0123", StandardCharsets.US_ASCII), false));
    }

    @Test
    void longRingKeepsOrderWhileGrowing() {
        LongRing ring = new LongRing();
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < round; i++) {
                ring.add(next++);
            }
            for (int i = 0; i < round / 2; i++) {
                assertEquals(expected++, ring.poll());
            }
        }
        assertEquals(next - expected, ring.size());
        while (!ring.isEmpty()) {
            assertEquals(expected++, ring.poll());
        }
    }
}
