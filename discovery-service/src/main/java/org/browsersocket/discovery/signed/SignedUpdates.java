package org.browsersocket.discovery.signed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.browsersocket.discovery.directory.BadRequest;
import org.browsersocket.discovery.directory.Directory;
import org.browsersocket.discovery.directory.StorageFull;
import org.browsersocket.discovery.limits.WriteLimits;
import org.browsersocket.discovery.store.Capacity;
import org.browsersocket.discovery.store.Limits;
import org.browsersocket.discovery.store.SignedValue;
import org.browsersocket.discovery.store.ValueStore;

/**
 * OpenLookup's second store: one mutable value per (principal, label), where the principal is the
 * SHA-1 of the owner's public key and only that key may change the value, by signing the label,
 * the value and a sequence number higher than the last (no replay, no rollback). Keys are ECDSA
 * P-256 and signatures IEEE P1363 (r‖s), which is what WebCrypto produces, so a page can sign.
 *
 * <p>The signed message is {@code "openlookup-signed-v1\n" + label + "\n" + sequence + "\n"}
 * (UTF-8) followed by the value bytes.
 */
public final class SignedUpdates {
    private static final String CONTEXT = "openlookup-signed-v1\n";
    /** Most principals one lookup by prefix may match before it is ambiguous. */
    private static final int LOOKUP_LIMIT = 2;

    private final ValueStore store;
    private final WriteLimits limits;
    private final Capacity capacity;

    /**
     * @param limits   the write rate limits every update counts against
     * @param capacity what the store may hold (its stored bytes)
     */
    public SignedUpdates(ValueStore store, WriteLimits limits, Capacity capacity) {
        this.store = store;
        this.limits = limits;
        this.capacity = capacity;
    }

    /** The outcome of a lookup by principal prefix. */
    public sealed interface Lookup permits Found, Missing, Ambiguous {}

    public record Found(SignedValue value) implements Lookup {}

    public record Missing() implements Lookup {}

    public record Ambiguous() implements Lookup {}

    /**
     * Verifies and stores an update by {@code client}; returns the principal (hex).
     *
     * @throws BadRequest for a malformed key, a bad signature, or a sequence not above the stored one
     * @throws org.browsersocket.discovery.limits.RateLimited when the client is over its write rate
     * @throws StorageFull when the store holds as much as it may
     */
    public String update(String client, byte[] publicKeyDer, String label, byte[] value, long sequence, byte[] signature) {
        limits.admitWrite(client);
        if (label == null || label.isEmpty() || label.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_LABEL_BYTES) {
            throw new BadRequest("label must be 1.." + Limits.MAX_LABEL_BYTES + " bytes");
        }
        if (value == null || value.length > Limits.MAX_VALUE_BYTES) {
            throw new BadRequest("value must be at most " + Limits.MAX_VALUE_BYTES + " bytes");
        }
        if (sequence < 0) {
            throw new BadRequest("sequence must be >= 0");
        }
        PublicKey key = p256(publicKeyDer);
        if (!verifies(key, message(label, value, sequence), signature)) {
            throw new BadRequest("signature does not verify with that public key over label, value and sequence");
        }
        byte[] principal = Directory.sha1(publicKeyDer);
        switch (store.putSigned(new SignedValue(principal, label, value, sequence, publicKeyDer, signature), capacity)) {
            case NOT_HIGHER -> throw new BadRequest("sequence " + sequence + " is not higher than the stored one (replay or rollback)");
            case STORAGE_FULL -> throw new StorageFull();
            case STORED -> { }
        }
        return HexFormat.of().formatHex(principal);
    }

    /** The value of {@code label} whose principal starts with {@code principalPrefix} (0–40 hex digits). */
    public Lookup lookup(String principalPrefix, String label) {
        if (!principalPrefix.matches("[0-9a-fA-F]{0,40}")) {
            throw new BadRequest("principal must be 0..40 hex digits of the SHA-1 of the owner's public key");
        }
        List<SignedValue> matches = store.findSigned(principalPrefix.toLowerCase(), label, LOOKUP_LIMIT);
        if (matches.isEmpty()) {
            return new Missing();
        }
        return matches.size() > 1 ? new Ambiguous() : new Found(matches.get(0));
    }

    /** The bytes a signature covers. */
    public static byte[] message(String label, byte[] value, long sequence) {
        byte[] head = (CONTEXT + label + "\n" + sequence + "\n").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(head.length + value.length).put(head).put(value).array();
    }

    private static PublicKey p256(byte[] der) {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new BadRequest("public key must be ECDSA P-256 (SubjectPublicKeyInfo, DER)");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new BadRequest("public key must be ECDSA P-256 (SubjectPublicKeyInfo, DER)");
        }
    }

    private static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(message);
            return signature != null && verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** For callers that want the optional form. */
    public static Optional<SignedValue> found(Lookup lookup) {
        return lookup instanceof Found found ? Optional.of(found.value()) : Optional.empty();
    }
}
