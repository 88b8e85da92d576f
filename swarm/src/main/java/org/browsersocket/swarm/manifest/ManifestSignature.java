package org.browsersocket.swarm.manifest;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * The Ed25519 signature over the exact bytes of {@code manifest.json}, and its file,
 * {@code manifest.sig}: the signature's 64 bytes as unpadded base64url (86 characters) and a
 * newline. Pages check it with WebCrypto's {@code verify({name: 'Ed25519'}, ...)}.
 */
public final class ManifestSignature {

    /** Bytes in an Ed25519 signature. */
    public static final int BYTES = 64;

    private ManifestSignature() {
    }

    /** The Ed25519 signature of {@code data} by {@code key}. */
    public static byte[] sign(byte[] data, PrivateKey key) throws InvalidKeyException {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(data);
            return signer.sign();
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * Whether {@code signature} is {@code key}'s Ed25519 signature of {@code data}; false for a
     * signature of the wrong length and for a key that is not an Ed25519 one.
     */
    public static boolean verify(byte[] data, byte[] signature, PublicKey key) {
        if (signature == null || signature.length != BYTES) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification failed to run", e);
        }
    }

    /** The text of {@code manifest.sig} for {@code signature}: its base64url and a newline. */
    public static String toFileText(byte[] signature) {
        if (signature.length != BYTES) {
            throw new IllegalArgumentException("an Ed25519 signature has 64 bytes, not " + signature.length);
        }
        return Base64Url.encode(signature) + "\n";
    }

    /**
     * The signature in {@code text}, the contents of a {@code manifest.sig}: 86 base64url
     * characters, optionally followed by one line end ({@code \n} or {@code \r\n}).
     */
    public static byte[] parseFileText(String text) throws ManifestException {
        String line = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        byte[] signature = Base64Url.decode(line, BYTES);
        if (signature == null) {
            String shown = line.length() <= 100 ? line : line.substring(0, 97) + "...";
            throw new ManifestException("manifest.sig must hold the unpadded base64url of a 64-byte signature ("
                    + Base64Url.encodedLength(BYTES) + " characters) and a newline, not '" + shown.strip() + "'");
        }
        return signature;
    }
}
