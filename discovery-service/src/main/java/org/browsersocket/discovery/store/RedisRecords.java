package org.browsersocket.discovery.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How {@link RedisStore} packs a value or a signed value into one Redis string. Each starts with a
 * fixed-width decimal header (the expiry, or the sequence) that the Lua scripts read without
 * unpacking the rest.
 *
 * <p>Value record: 19-digit expiry millis, then {@code S} and the 20-byte secret hash or just
 * {@code -}, then the value bytes. Signed record: the sequence as 20 digits that sort like the
 * signed long, then value, public key and signature, each with a 4-byte length.
 */
final class RedisRecords {
    static final int EXPIRY_DIGITS = 19;
    static final int SEQUENCE_DIGITS = 20;
    static final String NOT_REMOVABLE = "-";

    private RedisRecords() {}

    /** The expiry header; never negative, as a minus sign would break the fixed width. */
    static String expiry(long expiresAtMillis) {
        return String.format("%019d", Math.max(0, expiresAtMillis));
    }

    /** The secret part of a value record: {@code S} and the hash, or {@code -} for not removable. */
    static byte[] secretPart(byte[] secretHash) {
        if (secretHash == null) {
            return NOT_REMOVABLE.getBytes(StandardCharsets.US_ASCII);
        }
        byte[] part = new byte[1 + secretHash.length];
        part[0] = 'S';
        System.arraycopy(secretHash, 0, part, 1, secretHash.length);
        return part;
    }

    static StoredValue value(byte[] record) {
        long expiresAt = Long.parseLong(new String(record, 0, EXPIRY_DIGITS, StandardCharsets.US_ASCII));
        int at = EXPIRY_DIGITS;
        byte[] secretHash = null;
        if (record[at] == 'S') {
            secretHash = Arrays.copyOfRange(record, at + 1, at + 21);
            at += 21;
        } else {
            at += 1;
        }
        byte[] value = Arrays.copyOfRange(record, at, record.length);
        return new StoredValue(value, Bytes.sha1(value), expiresAt, secretHash);
    }

    /**
     * The sequence header: flipping the sign bit maps signed order onto unsigned order, which
     * zero-padded decimal keeps, so the script compares byte by byte (Lua numbers are doubles and
     * would round sequences above 2^53).
     */
    static String sequence(long sequence) {
        String digits = Long.toUnsignedString(sequence ^ Long.MIN_VALUE);
        return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }

    static byte[] signed(SignedValue value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(sequence(value.sequence()).getBytes(StandardCharsets.US_ASCII));
            writeBlock(out, value.value());
            writeBlock(out, value.publicKey());
            writeBlock(out, value.signature());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SignedValue signed(byte[] principal, String label, byte[] record) {
        String digits = new String(record, 0, SEQUENCE_DIGITS, StandardCharsets.US_ASCII);
        long sequence = Long.parseUnsignedLong(digits) ^ Long.MIN_VALUE;
        ByteBuffer rest = ByteBuffer.wrap(record, SEQUENCE_DIGITS, record.length - SEQUENCE_DIGITS);
        return new SignedValue(principal, label, readBlock(rest), sequence, readBlock(rest), readBlock(rest));
    }

    private static void writeBlock(DataOutputStream out, byte[] block) throws IOException {
        out.writeInt(block.length);
        out.write(block);
    }

    private static byte[] readBlock(ByteBuffer in) {
        byte[] block = new byte[in.getInt()];
        in.get(block);
        return block;
    }
}
