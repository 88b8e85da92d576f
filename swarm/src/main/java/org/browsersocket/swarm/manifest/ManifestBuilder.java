package org.browsersocket.swarm.manifest;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.browsersocket.swarm.manifest.BuildResult.Reason;
import org.browsersocket.swarm.manifest.BuildResult.Skipped;

/**
 * Builds the {@link Manifest} of a site directory: every regular file in it, except the
 * {@code swarm/} directory (the manifest's own), dot-files and dot-directories (unless
 * {@link #includeHidden}), entries matching an {@link #exclude} glob, and symbolic links, which
 * are skipped rather than followed so that nothing outside the directory gets in. Files are read
 * as streams, one buffer at a time, whatever their size.
 *
 * <p>The same directory contents, site, version, publication time and piece size give an equal
 * manifest, hence byte-identical {@link ManifestCodec#encode} output. A file whose path breaks
 * the {@link SitePaths} rules (a space in its name, say) is refused rather than left out, so a
 * site is never published without a file the author expects in it; {@link #exclude} it to leave
 * it out on purpose.
 */
public final class ManifestBuilder {

    private final Path siteDir;
    private String site;
    private long version = 1;
    private Instant published;
    private int pieceSize = Manifest.DEFAULT_PIECE_SIZE;
    private boolean includeHidden;
    private final List<PathMatcher> excludes = new ArrayList<>();

    /** A builder for the site in {@code siteDir}. */
    public ManifestBuilder(Path siteDir) {
        this.siteDir = Objects.requireNonNull(siteDir, "siteDir");
    }

    /** The site's name (required). */
    public ManifestBuilder site(String site) {
        this.site = site;
        return this;
    }

    /** The manifest's version (default 1). */
    public ManifestBuilder version(long version) {
        this.version = version;
        return this;
    }

    /** When it is published (default: now, to the second). */
    public ManifestBuilder published(Instant published) {
        this.published = published;
        return this;
    }

    /** Bytes per piece (default {@value Manifest#DEFAULT_PIECE_SIZE}). */
    public ManifestBuilder pieceSize(int pieceSize) {
        this.pieceSize = pieceSize;
        return this;
    }

    /** Whether dot-files and dot-directories are listed too (default: not). */
    public ManifestBuilder includeHidden(boolean includeHidden) {
        this.includeHidden = includeHidden;
        return this;
    }

    /**
     * Leaves out the files and directories whose path relative to the site directory matches
     * {@code glob} ({@link java.nio.file.FileSystem#getPathMatcher} glob syntax: {@code *} stays
     * within a segment, {@code **} crosses them, e.g. {@code drafts}, {@code **.map}).
     *
     * @throws IllegalArgumentException when {@code glob} is not a valid glob
     */
    public ManifestBuilder exclude(String glob) {
        excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        return this;
    }

    /** Walks the site directory, hashes its files and returns the manifest. */
    public BuildResult build() throws IOException, ManifestException {
        if (site == null) {
            throw new IllegalStateException("no site name given");
        }
        if (!Files.isDirectory(siteDir)) {
            throw new IOException(siteDir + " is not a directory");
        }
        Instant when = published != null ? published : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ManifestCodec.validate(new Manifest(site, version, when, pieceSize, List.of())); // before the work
        Path root = siteDir.toRealPath();
        TreeMap<String, Path> files = new TreeMap<>(); // String order: the manifest's
        List<Skipped> skipped = new ArrayList<>();
        try {
            walk(root, files, skipped);
        } catch (TooLarge e) {
            throw new ManifestException(e.getMessage());
        }
        List<String> badPaths = files.keySet().stream()
                .filter(path -> !SitePaths.isValid(path))
                .map(path -> "'" + path + "' (" + SitePaths.problem(path) + ")")
                .collect(Collectors.toList());
        if (!badPaths.isEmpty()) {
            throw new ManifestException(badPaths.size() + " file(s) have paths a manifest cannot list (rename or"
                    + " --exclude them): " + String.join("; ", badPaths.subList(0, Math.min(5, badPaths.size())))
                    + (badPaths.size() > 5 ? "; ..." : ""));
        }
        List<ManifestFile> entries = new ArrayList<>(files.size());
        for (var entry : files.entrySet()) {
            FileDigest digest = FileDigest.of(entry.getValue(), pieceSize);
            entries.add(new ManifestFile(entry.getKey(), digest.size(), ContentTypes.forPath(entry.getKey()),
                    digest.sha256(), digest.pieces()));
        }
        Manifest manifest = new Manifest(site, version, when, pieceSize, entries);
        ManifestCodec.validate(manifest);
        return new BuildResult(manifest, skipped);
    }

    private void walk(Path root, Map<String, Path> files, List<Skipped> skipped) throws IOException {
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                Path relative = root.relativize(dir);
                if (relative.getNameCount() == 1 && relative.toString().equals(SitePaths.SWARM_DIRECTORY)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Reason reason = leftOut(relative);
                if (reason != null) {
                    skipped.add(new Skipped(slashed(relative), reason));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = root.relativize(file);
                Reason reason = leftOut(relative);
                if (reason == null && attrs.isSymbolicLink()) {
                    reason = Reason.SYMBOLIC_LINK;
                } else if (reason == null && !attrs.isRegularFile()) {
                    reason = Reason.NOT_A_REGULAR_FILE;
                }
                if (reason != null) {
                    skipped.add(new Skipped(slashed(relative), reason));
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.size() > Manifest.MAX_FILE_SIZE) {
                    throw new TooLarge(slashed(relative) + " is " + attrs.size() + " bytes, at most "
                            + Manifest.MAX_FILE_SIZE + " are allowed (--exclude it)");
                }
                files.put(slashed(relative), file);
                if (files.size() > Manifest.MAX_FILES) {
                    throw new TooLarge("the site has more than " + Manifest.MAX_FILES
                            + " files, the most a manifest lists (--exclude some)");
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Why the entry at {@code relative} is left out by name, or null. */
    private Reason leftOut(Path relative) {
        if (!includeHidden && relative.getFileName().toString().startsWith(".")) {
            return Reason.HIDDEN;
        }
        for (PathMatcher exclude : excludes) {
            if (exclude.matches(relative)) {
                return Reason.EXCLUDED;
            }
        }
        return null;
    }

    private static String slashed(Path relative) {
        StringBuilder path = new StringBuilder();
        for (Path name : relative) {
            path.append(path.length() > 0 ? "/" : "").append(name);
        }
        return path.toString();
    }

    /** Ends the walk early; reported as a {@link ManifestException}. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }
}
