package org.browsersocket.runtime.relay;

import java.nio.file.Path;

/**
 * Where and how much a relay keeps of what its registrants' pages serve.
 *
 * @param dir                where the cache lives; it survives restarts there
 * @param bytesPerRegistrant what one registrant's pages may use, least recently used out first
 * @param bytes              what all of them may use together
 * @param entryBytes         the largest single response kept (body and fields)
 */
public record RelayCacheLimits(Path dir, long bytesPerRegistrant, long bytes, long entryBytes) {
    public static final long DEFAULT_MIB_PER_REGISTRANT = 64;
    public static final long DEFAULT_MIB = 1024;
    public static final long DEFAULT_ENTRY_MIB = 8;

    public RelayCacheLimits {
        if (dir == null || bytesPerRegistrant < 1 || bytes < 1 || entryBytes < 1) {
            throw new IllegalArgumentException("a relay cache needs a directory and sizes of at least 1");
        }
    }

    /** The default sizes in {@code dir}. */
    public static RelayCacheLimits in(Path dir) {
        return new RelayCacheLimits(dir, DEFAULT_MIB_PER_REGISTRANT << 20, DEFAULT_MIB << 20, DEFAULT_ENTRY_MIB << 20);
    }

    /**
     * The user's state directory for it: {@code $XDG_STATE_HOME/browsersocket/relay-cache} or
     * {@code ~/.local/state/browsersocket/relay-cache}. (The runtime keeps no other state files;
     * its configuration directory is for the user's decisions.)
     */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("browsersocket").resolve("relay-cache");
    }
}
