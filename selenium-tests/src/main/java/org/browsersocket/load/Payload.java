package org.browsersocket.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Message payloads: an 8-byte stamp (the message's intended send time in nanoseconds since the
 * run's epoch) followed by filler up to the message size. Binary messages carry the stamp as a
 * big-endian long; text messages carry it as 16 lowercase hex characters, and the whole payload
 * is ASCII.
 */
final class Payload {
    /** Smallest message: room for the stamp in either encoding. */
    static final int MIN_BYTES = 16;
    /** Returned by {@link #stamp} for a payload that carries no readable stamp. */
    static final long MALFORMED = -1;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Payload() {}

    /** Filler bytes for messages of {@code size} bytes: printable ASCII, so valid in text frames too. */
    static byte[] filler(int size) {
        byte[] filler = new byte[size];
        for (int i = 0; i < size; i++) {
            filler[i] = (byte) ('a' + i % 26);
        }
        return filler;
    }

    static ByteBuf encode(ByteBufAllocator alloc, long stamp, boolean binary, byte[] filler) {
        int size = filler.length;
        ByteBuf buf = alloc.buffer(size, size);
        if (binary) {
            buf.writeLong(stamp);
            buf.writeBytes(filler, 8, size - 8);
        } else {
            for (int shift = 60; shift >= 0; shift -= 4) {
                buf.writeByte(HEX[(int) (stamp >>> shift) & 0xF]);
            }
            buf.writeBytes(filler, 16, size - 16);
        }
        return buf;
    }

    /** The stamp at the start of {@code content} (not consumed), or {@link #MALFORMED}. */
    static long stamp(ByteBuf content, boolean binary) {
        int at = content.readerIndex();
        if (binary) {
            return content.readableBytes() < 8 ? MALFORMED : content.getLong(at);
        }
        if (content.readableBytes() < 16) {
            return MALFORMED;
        }
        long stamp = 0;
        for (int i = 0; i < 16; i++) {
            int c = content.getByte(at + i);
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) {
                return MALFORMED;
            }
            stamp = stamp << 4 | digit;
        }
        return stamp;
    }
}
