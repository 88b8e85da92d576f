package org.browsersocket.swarm.manifest;

import java.util.List;
import java.util.Objects;

/**
 * One file of a {@link Manifest}. Hashes are kept as their base64url text (43 characters), so
 * that two entries are equal exactly when their fields are.
 *
 * @param path   the file's path relative to the site directory (see {@link SitePaths})
 * @param size   its size in bytes, 0 ... {@link Manifest#MAX_FILE_SIZE}
 * @param type   its Content-Type, e.g. {@code text/html; charset=utf-8}
 * @param sha256 the base64url SHA-256 of the whole file
 * @param pieces the base64url SHA-256 of each piece when the file is larger than one piece, in
 *               order; empty otherwise
 */
public record ManifestFile(String path, long size, String type, String sha256, List<String> pieces) {

    public ManifestFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sha256, "sha256");
        pieces = List.copyOf(pieces);
    }

    /** How many pieces a file of {@code size} bytes has when it has more than one; else 0. */
    public static long pieceCount(long size, int pieceSize) {
        return size > pieceSize ? (size + pieceSize - 1) / pieceSize : 0;
    }
}
