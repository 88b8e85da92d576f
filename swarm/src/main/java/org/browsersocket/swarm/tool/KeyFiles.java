package org.browsersocket.swarm.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PublicKey;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.manifest.SiteKey;

/** Reading keys named on the command line, turning each failure into a {@link UserError}. */
final class KeyFiles {

    private KeyFiles() {
    }

    /** The key pair whose private key is in {@code file}. */
    static SiteKey readPrivate(Path file) {
        try {
            return SiteKey.read(file);
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot read key " + file + ": no such file");
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot read key " + file + ": " + e);
        } catch (InvalidKeyException e) {
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        }
    }

    /**
     * The public key {@code text} gives: the name of a file whose first line is the key (as
     * keygen writes FILE.pub), or the key itself, 43 base64url characters.
     */
    static PublicKey readPublic(String text) {
        Path file = null;
        try {
            file = Path.of(text);
        } catch (InvalidPathException e) {
            // not a file name: the key itself, or nothing
        }
        String key = text.strip();
        String source = "--public-key";
        if (file != null && Files.isRegularFile(file)) {
            try {
                key = Files.readString(file, StandardCharsets.US_ASCII).lines().findFirst().orElse("").strip();
            } catch (IOException e) {
                throw new UserError(ExitCodes.FAILURE, "cannot read public key " + file + ": " + e);
            }
            source = file.toString();
        }
        try {
            return SiteKey.parsePublicKey(key);
        } catch (InvalidKeyException e) {
            String notFile = source.equals("--public-key") ? " (and no file of that name exists)" : "";
            throw new UserError(ExitCodes.BAD_USAGE, source + ": " + e.getMessage() + notFile);
        }
    }
}
