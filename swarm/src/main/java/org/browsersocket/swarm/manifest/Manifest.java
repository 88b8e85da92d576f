package org.browsersocket.swarm.manifest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A site's swarm manifest (format version 1): what files the site has, with their sizes, types and
 * SHA-256 hashes (whole file, and per piece for files larger than one piece). The format is
 * {@link #FORMAT}; {@link ManifestCodec} reads and writes it and enforces its rules.
 *
 * @param site      the site's name, {@code [a-z0-9][a-z0-9.-]{0,63}}
 * @param version   1 ... {@link #MAX_VERSION}; a newer manifest has a greater one
 * @param published when the manifest was built
 * @param pieceSize bytes per piece: a power of two, {@link #MIN_PIECE_SIZE} ... {@link #MAX_PIECE_SIZE}
 * @param files     the files, sorted by path, unique
 */
public record Manifest(String site, long version, Instant published, int pieceSize, List<ManifestFile> files) {

    /** The {@code format} field's one value. */
    public static final String FORMAT = "browsersocket-swarm-manifest/1";
    /** The largest version: 2^53 - 1, the largest integer a page's JavaScript holds exactly. */
    public static final long MAX_VERSION = 9007199254740991L;
    /** The smallest piece size. */
    public static final int MIN_PIECE_SIZE = 16384;
    /** The largest piece size. */
    public static final int MAX_PIECE_SIZE = 16777216;
    /** The piece size when none is chosen. */
    public static final int DEFAULT_PIECE_SIZE = 262144;
    /** The most files a manifest lists. */
    public static final int MAX_FILES = 10_000;
    /** The largest file a manifest lists: 4 GiB. */
    public static final long MAX_FILE_SIZE = 4294967296L;

    public Manifest {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(published, "published");
        files = List.copyOf(files);
    }

    /** The bytes of all the files. */
    public long totalBytes() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }

    /** The pieces of all the files (a file of one piece or none counts as one). */
    public long totalPieces() {
        return files.stream().mapToLong(file -> Math.max(1, file.pieces().size())).sum();
    }
}
