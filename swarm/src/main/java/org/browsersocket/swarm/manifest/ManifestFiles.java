package org.browsersocket.swarm.manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a site keeps its manifest, {@code SITE_DIR/swarm/manifest.json} and
 * {@code SITE_DIR/swarm/manifest.sig}, and reading and replacing the two files.
 */
public final class ManifestFiles {

    /** The manifest's file name in {@link SitePaths#SWARM_DIRECTORY}. */
    public static final String MANIFEST = "manifest.json";
    /** The signature's file name in {@link SitePaths#SWARM_DIRECTORY}. */
    public static final String SIGNATURE = "manifest.sig";

    private ManifestFiles() {
    }

    /** {@code siteDir/swarm/manifest.json}. */
    public static Path manifestFile(Path siteDir) {
        return siteDir.resolve(SitePaths.SWARM_DIRECTORY).resolve(MANIFEST);
    }

    /** {@code siteDir/swarm/manifest.sig}. */
    public static Path signatureFile(Path siteDir) {
        return siteDir.resolve(SitePaths.SWARM_DIRECTORY).resolve(SIGNATURE);
    }

    /**
     * The bytes of {@code siteDir}'s manifest.json, refused without being read when larger than
     * {@link ManifestCodec#MAX_BYTES}.
     */
    public static byte[] readManifest(Path siteDir) throws IOException, ManifestException {
        Path file = manifestFile(siteDir);
        long size = Files.size(file);
        if (size > ManifestCodec.MAX_BYTES) {
            throw new ManifestException("manifest is " + size + " bytes, at most " + ManifestCodec.MAX_BYTES
                    + " are allowed");
        }
        return Files.readAllBytes(file);
    }

    /** The signature in {@code siteDir}'s manifest.sig. */
    public static byte[] readSignature(Path siteDir) throws IOException, ManifestException {
        Path file = signatureFile(siteDir);
        if (Files.size(file) > 1024) {
            throw new ManifestException("manifest.sig is " + Files.size(file) + " bytes, a signature file has 87");
        }
        return ManifestSignature.parseFileText(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /**
     * Replaces {@code siteDir}'s manifest.json and manifest.sig with {@code manifest} and
     * {@code signature}, each atomically: both are written to temporary files in the same
     * directory and flushed to disk, then moved over the old ones, manifest.json first. In between
     * the two moves a reader may fetch the new manifest.json with the old manifest.sig; the
     * signature then fails to verify and the reader must fetch again. It never sees a half-written
     * file, nor a mix that verifies.
     */
    public static void write(Path siteDir, byte[] manifest, byte[] signature) throws IOException {
        Path directory = siteDir.resolve(SitePaths.SWARM_DIRECTORY);
        Files.createDirectories(directory);
        Path manifestTemp = temporary(directory, MANIFEST, manifest);
        Path signatureTemp = null;
        try {
            signatureTemp = temporary(directory, SIGNATURE,
                    ManifestSignature.toFileText(signature).getBytes(StandardCharsets.US_ASCII));
            replace(manifestTemp, directory.resolve(MANIFEST));
            replace(signatureTemp, directory.resolve(SIGNATURE));
        } finally {
            Files.deleteIfExists(manifestTemp);
            if (signatureTemp != null) {
                Files.deleteIfExists(signatureTemp);
            }
        }
    }

    private static Path temporary(Path directory, String name, byte[] contents) throws IOException {
        Path temp = Files.createTempFile(directory, "." + name + ".", ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(contents);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        // Temporary files are the owner's only; the manifest is public, served by a web server.
        PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (posix != null) {
            posix.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
        }
        return temp;
    }

    private static void replace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
