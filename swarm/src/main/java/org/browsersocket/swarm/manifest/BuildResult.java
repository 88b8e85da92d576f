package org.browsersocket.swarm.manifest;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ManifestBuilder} made of a site directory: the manifest, and the entries it left out
 * and why.
 *
 * @param manifest the manifest of the files kept
 * @param skipped  the entries left out, in the order met (a skipped directory counts as one)
 */
public record BuildResult(Manifest manifest, List<Skipped> skipped) {

    public BuildResult {
        Objects.requireNonNull(manifest, "manifest");
        skipped = List.copyOf(skipped);
    }

    /** The skipped entries left out for {@code reason}. */
    public List<Skipped> skipped(Reason reason) {
        return skipped.stream().filter(entry -> entry.reason() == reason).toList();
    }

    /** Why an entry of the site directory is not in the manifest. */
    public enum Reason {
        /** Its name (or a directory's on its path) starts with a dot, and hidden files were not asked for. */
        HIDDEN,
        /** It matched an exclude glob. */
        EXCLUDED,
        /** It is a symbolic link: links are never followed, so nothing outside the site gets in. */
        SYMBOLIC_LINK,
        /** It is neither a regular file nor a directory (a pipe, a socket, a device). */
        NOT_A_REGULAR_FILE
    }

    /**
     * An entry left out.
     *
     * @param path   its path relative to the site directory, with {@code /} separators
     * @param reason why
     */
    public record Skipped(String path, Reason reason) {
    }
}
