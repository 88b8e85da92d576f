package org.browsersocket.swarm.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureAndKeyTest {

    // RFC 8032, section 7.1, TEST 1: the empty message.
    private static final byte[] RFC_SECRET =
            HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] RFC_PUBLIC =
            HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final byte[] RFC_SIGNATURE = HexFormat.of().parseHex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    private static final String RFC_PUBLIC_TEXT = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    @TempDir
    Path dir;

    @Test
    void verifyAcceptsTheRfc8032TestVector() throws Exception {
        PublicKey key = SiteKey.publicKeyOf(RFC_PUBLIC);
        assertTrue(ManifestSignature.verify(new byte[0], RFC_SIGNATURE, key));
    }

    @Test
    void verifyRefusesTheTestVectorWithOneBitFlipped() throws Exception {
        PublicKey key = SiteKey.publicKeyOf(RFC_PUBLIC);
        for (int bit : new int[] {0, 100, 511}) {
            byte[] flipped = RFC_SIGNATURE.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(ManifestSignature.verify(new byte[0], flipped, key), "bit " + bit);
        }
        assertFalse(ManifestSignature.verify(new byte[] {0}, RFC_SIGNATURE, key), "another message");
    }

    @Test
    void verifyRefusesSignaturesOfTheWrongLength() throws Exception {
        PublicKey key = SiteKey.publicKeyOf(RFC_PUBLIC);
        assertFalse(ManifestSignature.verify(new byte[0], new byte[63], key));
        assertFalse(ManifestSignature.verify(new byte[0], null, key));
    }

    @Test
    void signingWithTheRfcSecretKeyGivesTheRfcSignatureAndPublicKey() throws Exception {
        SiteKey key = SiteKey.fromSeed(RFC_SECRET);
        assertArrayEquals(RFC_PUBLIC, SiteKey.rawPublicKey(key.publicKey()));
        assertArrayEquals(RFC_SIGNATURE, ManifestSignature.sign(new byte[0], key.privateKey())); // deterministic
    }

    @Test
    void theRawPublicKeyRoundTripsThroughItsBase64urlText() throws Exception {
        PublicKey key = SiteKey.publicKeyOf(RFC_PUBLIC);
        assertEquals(RFC_PUBLIC_TEXT, SiteKey.publicKeyText(key));
        PublicKey parsed = SiteKey.parsePublicKey(RFC_PUBLIC_TEXT);
        assertArrayEquals(RFC_PUBLIC, SiteKey.rawPublicKey(parsed));
        assertEquals(key, parsed);
        assertTrue(ManifestSignature.verify(new byte[0], RFC_SIGNATURE, parsed));
    }

    @Test
    void publicKeyTextOfTheWrongLengthOrAlphabetIsRefused() {
        for (String bad : new String[] {"", RFC_PUBLIC_TEXT + "A", RFC_PUBLIC_TEXT.substring(1), RFC_PUBLIC_TEXT + "=",
                RFC_PUBLIC_TEXT.replace('_', '/'), RFC_PUBLIC_TEXT.substring(0, 42) + "p"}) {
            InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> SiteKey.parsePublicKey(bad), bad);
            assertTrue(e.getMessage().contains("43 characters"), e.getMessage());
        }
    }

    @Test
    void sha256OfAbcIsTheKnownDigestInBase64url() {
        assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
        byte[] known = HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertArrayEquals(known, Base64Url.decode("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", 32));
    }

    @Test
    void base64urlDecodingAcceptsOnlyTheCanonicalSpelling() {
        String canonical = Base64Url.encode(new byte[32]); // 43 'A's
        assertArrayEquals(new byte[32], Base64Url.decode(canonical, 32));
        assertNull(Base64Url.decode(canonical.substring(0, 42) + "B", 32), "stray low bits");
        assertNull(Base64Url.decode(canonical + "=", 32), "padding");
        assertNull(Base64Url.decode(canonical.substring(0, 42) + "+", 32), "standard alphabet");
        assertNull(Base64Url.decode(canonical, 31), "length");
    }

    @Test
    void signatureFileTextRoundTrips() throws Exception {
        String text = ManifestSignature.toFileText(RFC_SIGNATURE);
        assertEquals(87, text.length());
        assertTrue(text.endsWith("\n"));
        assertArrayEquals(RFC_SIGNATURE, ManifestSignature.parseFileText(text));
        assertArrayEquals(RFC_SIGNATURE, ManifestSignature.parseFileText(text.strip()));
        ManifestException e = assertThrows(ManifestException.class,
                () -> ManifestSignature.parseFileText("abc\n"));
        assertTrue(e.getMessage().contains("86 characters"), e.getMessage());
    }

    @Test
    void aWrittenKeyIsPkcs8PemReadableByItsOwnerOnlyAndReadsBackTheSame() throws Exception {
        SiteKey key = SiteKey.generate();
        Path file = dir.resolve("site.pem");
        key.write(file);
        String pem = Files.readString(file);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"), pem);
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        SiteKey read = SiteKey.read(file);
        assertEquals(key.publicKeyText(), read.publicKeyText());
        byte[] message = "hello".getBytes(StandardCharsets.US_ASCII);
        assertTrue(ManifestSignature.verify(message, ManifestSignature.sign(message, read.privateKey()), key.publicKey()));
    }

    @Test
    void writingAKeyNeverOverwritesAFile() throws Exception {
        Path file = dir.resolve("site.pem");
        Files.writeString(file, "precious");
        assertThrows(FileAlreadyExistsException.class, () -> SiteKey.generate().write(file));
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void readingAKeyOfAnotherTypeSaysSo() throws Exception {
        var ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Path file = dir.resolve("ec.pem");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ec.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> SiteKey.read(file));
        assertTrue(e.getMessage().contains("not an Ed25519"), e.getMessage());

        Path rsa = dir.resolve("rsa.pem");
        Files.writeString(rsa, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        e = assertThrows(InvalidKeyException.class, () -> SiteKey.read(rsa));
        assertTrue(e.getMessage().contains("RSA PRIVATE KEY"), e.getMessage());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a key");
        e = assertThrows(InvalidKeyException.class, () -> SiteKey.read(text));
        assertTrue(e.getMessage().contains("not a PEM file"), e.getMessage());
    }
}
