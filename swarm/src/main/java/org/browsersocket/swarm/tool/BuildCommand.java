package org.browsersocket.swarm.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.manifest.BuildResult;
import org.browsersocket.swarm.manifest.Manifest;
import org.browsersocket.swarm.manifest.ManifestBuilder;
import org.browsersocket.swarm.manifest.ManifestCodec;
import org.browsersocket.swarm.manifest.ManifestException;
import org.browsersocket.swarm.manifest.ManifestFiles;
import org.browsersocket.swarm.manifest.ManifestSignature;
import org.browsersocket.swarm.manifest.SiteKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swarm-manifest build SITE_DIR ...}: lists, hashes and signs a site's files into
 * {@code SITE_DIR/swarm/manifest.json} and {@code manifest.sig}, with a version greater than the
 * one there before.
 */
@Command(name = "build", usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Builds and signs SITE_DIR's manifest, the next version.",
            "Lists every regular file under SITE_DIR with its size, type and SHA-256 (and the SHA-256 of"
                    + " each piece of larger files), and writes SITE_DIR/swarm/manifest.json and its signature"
                    + " SITE_DIR/swarm/manifest.sig. Left out: the swarm/ directory, dot-files and"
                    + " dot-directories (unless --include-hidden), --exclude matches, and symbolic links,"
                    + " which are never followed.",
            "The version goes up by one from the existing manifest's; browsers refuse a lower one, so"
                    + " a --version not above it is refused unless --force."
        })
final class BuildCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SITE_DIR", description = "The site's directory, as its web server serves it.")
    private Path siteDir;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "The site's private key, as keygen wrote it (PKCS#8 PEM Ed25519).")
    private Path key;

    @Option(names = "--site", required = true, paramLabel = "NAME",
            description = "The site's name: lower-case letters, digits, '.' and '-', at most 64 characters.")
    private String site;

    @Option(names = "--version", paramLabel = "N",
            description = "The manifest's version. Default: the existing manifest's plus one, or 1.")
    private Long version;

    @Option(names = "--force", description = "Accept a --version not above the existing manifest's (a rollback).")
    private boolean force;

    @Option(names = "--piece-size", paramLabel = "BYTES", defaultValue = "" + Manifest.DEFAULT_PIECE_SIZE,
            description = "Bytes per piece: a power of two from 16384 to 16777216 (default: ${DEFAULT-VALUE}).")
    private long pieceSize;

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Leave out files and directories whose path under SITE_DIR matches GLOB: '*' stays within"
                    + " a directory, '**' crosses them, e.g. drafts or '**.map'. Repeatable.")
    private List<String> excludes = new ArrayList<>();

    @Option(names = "--include-hidden", description = "List dot-files and dot-directories too.")
    private boolean includeHidden;

    @Option(names = "--published", paramLabel = "INSTANT",
            description = "The publication time, e.g. 2026-11-30T22:00:00Z. Default: now.")
    private String published;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public Integer call() {
        Instant publishedAt = publishedInstant();
        ManifestBuilder builder = new ManifestBuilder(siteDir).site(site).includeHidden(includeHidden)
                .published(publishedAt);
        checkFlags(publishedAt);
        builder.pieceSize((int) pieceSize);
        for (String glob : excludes) {
            try {
                builder.exclude(glob);
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.BAD_USAGE, "--exclude '" + glob + "' is not a valid glob: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (!Files.isDirectory(siteDir)) {
            throw new UserError(ExitCodes.FAILURE, "SITE_DIR " + siteDir + ": no such directory");
        }
        SiteKey siteKey = KeyFiles.readPrivate(key);
        Long previous = previousVersion();
        long chosen = chooseVersion(previous);
        builder.version(chosen);

        BuildResult result;
        byte[] json;
        try {
            result = builder.build();
            json = ManifestCodec.encode(result.manifest());
        } catch (ManifestException e) {
            throw new UserError(ExitCodes.FAILURE, e.getMessage());
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot read the site: " + e);
        }
        try {
            byte[] signature = ManifestSignature.sign(json, siteKey.privateKey());
            ManifestFiles.write(siteDir, json, signature);
        } catch (InvalidKeyException e) {
            throw new UserError(ExitCodes.FAILURE, key + ": cannot sign with this key: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot write the manifest: " + e);
        }
        report(result, previous, siteKey, json.length);
        return ExitCodes.OK;
    }

    private Instant publishedInstant() {
        if (published == null) {
            return null;
        }
        try {
            return Instant.parse(published);
        } catch (DateTimeParseException e) {
            throw new UserError(ExitCodes.BAD_USAGE, "--published '" + published
                    + "' is not an ISO-8601 UTC instant such as 2026-11-30T22:00:00Z");
        }
    }

    /** Refuses a bad --site, --piece-size, --version or --published before any work. */
    private void checkFlags(Instant publishedAt) {
        if (pieceSize < Manifest.MIN_PIECE_SIZE || pieceSize > Manifest.MAX_PIECE_SIZE || Long.bitCount(pieceSize) != 1) {
            throw new UserError(ExitCodes.BAD_USAGE, "--piece-size must be a power of two from "
                    + Manifest.MIN_PIECE_SIZE + " to " + Manifest.MAX_PIECE_SIZE + ", not " + pieceSize);
        }
        try {
            ManifestCodec.validate(new Manifest(site, version != null ? version : 1,
                    publishedAt != null ? publishedAt : Instant.EPOCH, (int) pieceSize, List.of()));
        } catch (ManifestException e) {
            throw new UserError(ExitCodes.BAD_USAGE, e.getMessage());
        }
    }

    /** The existing manifest's version; null when there is none. */
    private Long previousVersion() {
        if (!Files.exists(ManifestFiles.manifestFile(siteDir))) {
            return null;
        }
        try {
            return ManifestCodec.parse(ManifestFiles.readManifest(siteDir)).version();
        } catch (IOException | ManifestException e) {
            String reason = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
            if (version != null) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": note: ignoring the existing "
                        + ManifestFiles.manifestFile(siteDir) + ", which cannot be read (" + reason + ")");
                return null;
            }
            throw new UserError(ExitCodes.FAILURE, "the existing " + ManifestFiles.manifestFile(siteDir)
                    + " cannot be read (" + reason + "), so its version is unknown; give --version N, N above the"
                    + " last version published");
        }
    }

    private long chooseVersion(Long previous) {
        if (version == null) {
            if (previous != null && previous >= Manifest.MAX_VERSION) {
                throw new UserError(ExitCodes.FAILURE, "the existing manifest's version is the largest allowed");
            }
            return previous == null ? 1 : previous + 1;
        }
        if (previous != null && version <= previous && !force) {
            throw new UserError(ExitCodes.BAD_USAGE, "--version " + version + " is not above the existing manifest's "
                    + previous + ", and browsers that saw " + previous + " refuse older versions (no rollback);"
                    + " use --version " + (previous + 1) + " or more, or --force");
        }
        return version;
    }

    private void report(BuildResult result, Long previous, SiteKey siteKey, int manifestBytes) {
        Manifest manifest = result.manifest();
        PrintWriter out = spec.commandLine().getOut();
        out.println("site:       " + manifest.site());
        out.println("version:    " + manifest.version() + (previous != null ? " (was " + previous + ")" : ""));
        out.println("published:  " + manifest.published());
        out.println("files:      " + manifest.files().size());
        out.println("bytes:      " + manifest.totalBytes());
        out.println("pieces:     " + manifest.totalPieces() + " (pieces of " + manifest.pieceSize() + " bytes)");
        skipped(out, result, BuildResult.Reason.SYMBOLIC_LINK, "symbolic links, never followed");
        skipped(out, result, BuildResult.Reason.NOT_A_REGULAR_FILE, "not regular files");
        skipped(out, result, BuildResult.Reason.HIDDEN, "hidden (--include-hidden lists them)");
        skipped(out, result, BuildResult.Reason.EXCLUDED, "excluded");
        out.println("public key: " + siteKey.publicKeyText());
        out.println("wrote " + ManifestFiles.manifestFile(siteDir) + " (" + manifestBytes + " bytes) and "
                + ManifestFiles.signatureFile(siteDir));
        out.flush();
    }

    private static void skipped(PrintWriter out, BuildResult result, BuildResult.Reason reason, String why) {
        List<BuildResult.Skipped> entries = result.skipped(reason);
        if (entries.isEmpty()) {
            return;
        }
        List<String> paths = entries.stream().map(BuildResult.Skipped::path).limit(10).toList();
        out.println("skipped:    " + entries.size() + " " + why + ": " + String.join(", ", paths)
                + (entries.size() > paths.size() ? ", ..." : ""));
    }
}
