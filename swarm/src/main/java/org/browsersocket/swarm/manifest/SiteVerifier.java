package org.browsersocket.swarm.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a site directory as a browser would check what peers serve it: the manifest's signature
 * against the pinned public key, the manifest against every rule, then each listed file's size,
 * SHA-256 and piece hashes on disk. A file reached through a symbolic link counts as a problem,
 * since {@link ManifestBuilder} never follows one.
 */
public final class SiteVerifier {

    private static final int PIECES_SHOWN = 5;

    private SiteVerifier() {
    }

    /** Checks {@code siteDir} against {@code publicKey}; problems are reported, not thrown. */
    public static Verification verify(Path siteDir, PublicKey publicKey) {
        String manifestName = SitePaths.SWARM_DIRECTORY + "/" + ManifestFiles.MANIFEST;
        String signatureName = SitePaths.SWARM_DIRECTORY + "/" + ManifestFiles.SIGNATURE;
        if (!Files.isDirectory(siteDir)) {
            return failed(siteDir + ": not a directory");
        }
        byte[] json;
        byte[] signature;
        try {
            json = ManifestFiles.readManifest(siteDir);
        } catch (IOException e) {
            return failed(manifestName + ": " + describe(e));
        } catch (ManifestException e) {
            return failed(manifestName + ": " + e.getMessage());
        }
        try {
            signature = ManifestFiles.readSignature(siteDir);
        } catch (IOException e) {
            return failed(signatureName + ": " + describe(e));
        } catch (ManifestException e) {
            return failed(signatureName + ": " + e.getMessage());
        }
        if (!ManifestSignature.verify(json, signature, publicKey)) {
            return failed(signatureName + ": the signature is bad: it does not verify " + manifestName
                    + " with public key " + SiteKey.publicKeyText(publicKey)
                    + " (the manifest was changed after signing, or signed with another key)");
        }
        Manifest manifest;
        try {
            manifest = ManifestCodec.parse(json);
        } catch (ManifestException e) {
            return failed(manifestName + ": signed, but " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        Path root;
        try {
            root = siteDir.toRealPath();
        } catch (IOException e) {
            return failed(siteDir + ": " + describe(e));
        }
        for (ManifestFile file : manifest.files()) {
            String problem = check(root, file, manifest.pieceSize());
            if (problem != null) {
                problems.add(file.path() + ": " + problem);
            }
        }
        return new Verification(manifest, problems);
    }

    /** What is wrong with {@code file} on disk, or null. */
    private static String check(Path root, ManifestFile file, int pieceSize) {
        Path path = root.resolve(file.path());
        if (Files.isSymbolicLink(path)) {
            return "is a symbolic link (links are never listed)";
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return "not a regular file";
        }
        FileDigest digest;
        try {
            if (!path.toRealPath().equals(path)) {
                return "reached through a symbolic link (links are never listed)";
            }
            digest = FileDigest.of(path, pieceSize);
        } catch (IOException e) {
            return "cannot be read: " + describe(e);
        }
        if (digest.size() != file.size()) {
            return "size is " + digest.size() + " bytes, the manifest says " + file.size();
        }
        if (!digest.sha256().equals(file.sha256())) {
            List<Integer> differing = new ArrayList<>();
            for (int i = 0; i < file.pieces().size(); i++) {
                if (!digest.pieces().get(i).equals(file.pieces().get(i))) {
                    differing.add(i);
                }
            }
            String pieces = differing.isEmpty() ? ""
                    : "; piece(s) " + differing.subList(0, Math.min(PIECES_SHOWN, differing.size()))
                            + (differing.size() > PIECES_SHOWN ? " and " + (differing.size() - PIECES_SHOWN) + " more" : "")
                            + " of " + file.pieces().size() + " differ (counting from 0)";
            return "contents differ from the manifest's (SHA-256 " + digest.sha256() + ", the manifest says "
                    + file.sha256() + ")" + pieces;
        }
        if (!digest.pieces().equals(file.pieces())) {
            // The whole file matches but the listed piece hashes do not: a manifest built wrongly.
            return "the manifest's piece hashes do not match the file's";
        }
        return null;
    }

    private static Verification failed(String problem) {
        return new Verification(null, List.of(problem));
    }

    /** An I/O failure in words: "no such file", or the exception's message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
