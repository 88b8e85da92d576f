package org.browsersocket.swarm.manifest;

import java.util.Base64;

/**
 * Unpadded base64url (RFC 4648 section 5), the text form of every hash, key and signature in the
 * swarm formats. Decoding is strict: only the canonical text of some bytes is accepted (no
 * padding, no white space, no stray bits in the last character), so one value has one spelling.
 */
public final class Base64Url {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /** The unpadded base64url text of {@code bytes}. */
    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * The bytes {@code text} spells, which must be exactly {@code length} of them; null when
     * {@code text} is not the canonical unpadded base64url of {@code length} bytes.
     */
    public static byte[] decode(String text, int length) {
        if (text == null || text.length() != encodedLength(length)) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!alphabet) {
                return null;
            }
        }
        byte[] bytes = DECODER.decode(text);
        // The decoder ignores the unused low bits of the last character; canonical text has them zero.
        return bytes.length == length && encode(bytes).equals(text) ? bytes : null;
    }

    /** How many characters the unpadded base64url of {@code length} bytes has. */
    public static int encodedLength(int length) {
        return (length * 8 + 5) / 6;
    }
}
