package org.browsersocket.swarm.manifest;

import java.util.List;

/**
 * What {@link SiteVerifier} found.
 *
 * @param manifest the manifest, when its signature verified and it parsed; else null
 * @param problems one line per problem, each starting with the file it is about; empty when all
 *                 is well
 */
public record Verification(Manifest manifest, List<String> problems) {

    public Verification {
        problems = List.copyOf(problems);
    }

    /** Whether the signature, the manifest and every listed file are good. */
    public boolean ok() {
        return manifest != null && problems.isEmpty();
    }
}
