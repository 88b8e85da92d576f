package org.browsersocket.swarm.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a manifest says about a file's contents, computed from the file in one streaming pass
 * (never holding more than a buffer of it): its size, its SHA-256, and the SHA-256 of each piece
 * when it is larger than one piece.
 *
 * @param size   bytes read
 * @param sha256 the base64url SHA-256 of the whole file
 * @param pieces the base64url SHA-256 of each piece, or empty for a file of at most one piece
 */
public record FileDigest(long size, String sha256, List<String> pieces) {

    private static final int BUFFER = 64 * 1024;

    public FileDigest {
        pieces = List.copyOf(pieces);
    }

    /** Reads {@code file} (not following a symbolic link at its end) and digests it. */
    public static FileDigest of(Path file, int pieceSize) throws IOException {
        MessageDigest whole = Sha256.newDigest();
        MessageDigest piece = Sha256.newDigest();
        List<String> pieces = new ArrayList<>();
        long size = 0;
        int inPiece = 0;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                whole.update(buffer, 0, read);
                int offset = 0;
                while (offset < read) {
                    int take = Math.min(read - offset, pieceSize - inPiece);
                    piece.update(buffer, offset, take);
                    inPiece += take;
                    offset += take;
                    if (inPiece == pieceSize) {
                        pieces.add(Base64Url.encode(piece.digest())); // digest() also resets it
                        inPiece = 0;
                    }
                }
                size += read;
            }
        }
        if (inPiece > 0) {
            pieces.add(Base64Url.encode(piece.digest()));
        }
        return new FileDigest(size, Base64Url.encode(whole.digest()), size > pieceSize ? pieces : List.of());
    }
}
