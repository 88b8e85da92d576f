package org.browsersocket.swarm.manifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every Java runtime has; the manifest carries its digests as base64url. */
public final class Sha256 {

    /** Bytes in a digest. */
    public static final int BYTES = 32;
    /** Characters in a digest's base64url text. */
    public static final int TEXT_LENGTH = 43;

    private Sha256() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The base64url text of {@code bytes}'s SHA-256. */
    public static String of(byte[] bytes) {
        return Base64Url.encode(newDigest().digest(bytes));
    }
}
