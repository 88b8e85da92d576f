package org.browsersocket.swarm.manifest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site's Ed25519 signing key. The private key is kept as a PKCS#8 PEM file
 * ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey -algorithm ed25519} writes it);
 * the public key travels as its raw 32 bytes in unpadded base64url, which is what pages pin and
 * give to WebCrypto's {@code importKey('raw', bytes, {name: 'Ed25519'}, ...)}.
 *
 * @param privateKey the Ed25519 private key
 * @param publicKey  its public key
 */
public record SiteKey(PrivateKey privateKey, PublicKey publicKey) {

    /** Bytes in a raw Ed25519 public key, and in a private key's seed. */
    public static final int RAW_BYTES = 32;

    // An Ed25519 public key's X.509 SubjectPublicKeyInfo is this, then the 32 raw bytes
    // (RFC 8410: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }).
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    // And a private key's PKCS#8 (version 0, without the public key) is this, then the 32-byte seed.
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    public SiteKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** A new key, from the system's strong random source. */
    public static SiteKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SiteKey(pair.getPrivate(), pair.getPublic());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 15+ runtime has Ed25519", e);
        }
    }

    /** The key whose private key is the 32-byte {@code seed} (RFC 8032's "secret key"). */
    public static SiteKey fromSeed(byte[] seed) throws InvalidKeyException {
        if (seed.length != RAW_BYTES) {
            throw new InvalidKeyException("an Ed25519 private key has 32 bytes, not " + seed.length);
        }
        // The JDK has no call that derives the public key from a private one, but its generator
        // takes the private key's 32 bytes from the random source it is given: give it the seed.
        byte[] copy = seed.clone();
        SecureRandom fixed = new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(copy, 0, bytes, 0, Math.min(bytes.length, copy.length));
            }
        };
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, fixed);
            KeyPair pair = generator.generateKeyPair();
            SiteKey key = new SiteKey(pair.getPrivate(), pair.getPublic());
            if (!Arrays.equals(seedOf(pair.getPrivate()), seed) || !key.matches()) {
                throw new IllegalStateException("this Java runtime does not derive Ed25519 keys from a given seed");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 key derivation failed", e);
        }
    }

    /**
     * Reads a private key written by {@link #write} (or {@code openssl genpkey -algorithm ed25519})
     * and derives its public key.
     *
     * @throws InvalidKeyException when the file holds no PKCS#8 PEM Ed25519 private key; the
     *                             message says what it holds instead
     */
    public static SiteKey read(Path file) throws IOException, InvalidKeyException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new InvalidKeyException(file + " is not a PEM file (no -----BEGIN ...----- block)");
        }
        if (!pem.group(1).equals("PRIVATE KEY")) {
            throw new InvalidKeyException(file + " holds a '" + pem.group(1) + "', not an Ed25519 'PRIVATE KEY' (PKCS#8)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(2));
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException(file + ": the PEM block is not valid base64");
        }
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new InvalidKeyException(file + " holds a private key that is not an Ed25519 one (or is damaged)");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 15+ runtime has Ed25519", e);
        }
        byte[] seed = seedOf(privateKey);
        if (seed == null) {
            throw new InvalidKeyException(file + " holds a private key that is not an Ed25519 one");
        }
        return fromSeed(seed);
    }

    /**
     * Writes the private key to a new file {@code file} as PKCS#8 PEM, readable by its owner only
     * where the file system has POSIX permissions.
     *
     * @throws FileAlreadyExistsException when {@code file} exists: a key is never overwritten
     */
    public void write(Path file) throws IOException {
        byte[] seed = seedOf(privateKey);
        if (seed == null) {
            throw new IllegalStateException("not an Ed25519 private key: " + privateKey.getAlgorithm());
        }
        byte[] der = new byte[PKCS8_PREFIX.length + RAW_BYTES];
        System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, RAW_BYTES);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
        boolean posix = file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Files.createFile(file, ownerOnly); // fails if it exists; the mode is set as it is created
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The public key as pages pin it: its raw 32 bytes in unpadded base64url (43 characters). */
    public String publicKeyText() {
        return publicKeyText(publicKey);
    }

    /** {@code key}'s raw 32 bytes in unpadded base64url. */
    public static String publicKeyText(PublicKey key) {
        return Base64Url.encode(rawPublicKey(key));
    }

    /** The raw 32 bytes of the Ed25519 public key {@code key}. */
    public static byte[] rawPublicKey(PublicKey key) {
        byte[] x509 = key.getEncoded();
        if (x509 == null || x509.length != X509_PREFIX.length + RAW_BYTES
                || !Arrays.equals(x509, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
    }

    /** The Ed25519 public key whose raw 32 bytes {@code text} spells in unpadded base64url. */
    public static PublicKey parsePublicKey(String text) throws InvalidKeyException {
        byte[] raw = Base64Url.decode(text, RAW_BYTES);
        if (raw == null) {
            String shown = text.length() <= 60 ? text : text.substring(0, 57) + "...";
            throw new InvalidKeyException("a public key is the unpadded base64url of 32 bytes ("
                    + Base64Url.encodedLength(RAW_BYTES) + " characters), not '" + shown + "'");
        }
        return publicKeyOf(raw);
    }

    /** The Ed25519 public key whose raw bytes are {@code raw} (32 of them). */
    public static PublicKey publicKeyOf(byte[] raw) throws InvalidKeyException {
        byte[] x509 = new byte[X509_PREFIX.length + raw.length];
        System.arraycopy(X509_PREFIX, 0, x509, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, x509, X509_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        } catch (InvalidKeySpecException e) {
            throw new InvalidKeyException("not an Ed25519 public key: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 15+ runtime has Ed25519", e);
        }
    }

    /** Shows the public key only. */
    @Override
    public String toString() {
        return "SiteKey[publicKey=" + publicKeyText() + "]";
    }

    /** Whether the private key signs what the public key verifies. */
    private boolean matches() throws InvalidKeyException {
        byte[] probe = "browsersocket swarm key check".getBytes(StandardCharsets.US_ASCII);
        return ManifestSignature.verify(probe, ManifestSignature.sign(probe, privateKey), publicKey);
    }

    private static byte[] seedOf(PrivateKey key) {
        return key instanceof EdECPrivateKey edec
                && edec.getParams().getName().equalsIgnoreCase("Ed25519")
                ? edec.getBytes().orElse(null) : null;
    }
}
