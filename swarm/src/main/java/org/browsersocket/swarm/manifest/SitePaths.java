package org.browsersocket.swarm.manifest;

import java.util.regex.Pattern;

/**
 * The rules for a file's path in a manifest, in one place: relative, {@code /}-separated, each
 * segment of {@code [A-Za-z0-9._~-]} characters and neither {@code .} nor {@code ..}, no empty
 * segment, at most {@link #MAX_LENGTH} characters, and not under {@code swarm/}, the manifest's
 * own directory. So a path can be joined to a site's URL or directory as it is, without decoding
 * or normalising: {@code ../x}, {@code a//b}, {@code /etc/passwd}, {@code a\b} and
 * {@code %2e%2e} are all refused.
 */
public final class SitePaths {

    /** The longest path. */
    public static final int MAX_LENGTH = 256;
    /** The directory of the manifest and its signature, which the manifest never lists. */
    public static final String SWARM_DIRECTORY = "swarm";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");

    private SitePaths() {
    }

    /** Why {@code path} breaks the rules, or null when it keeps them. */
    public static String problem(String path) {
        if (path.isEmpty()) {
            return "path is empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "path is " + path.length() + " characters long, at most " + MAX_LENGTH + " are allowed";
        }
        if (path.startsWith("/")) {
            return "path must be relative, not start with '/'";
        }
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "path has an empty segment ('//' or a '/' at the end)";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "path has a '" + segment + "' segment";
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return "path segment '" + segment + "' has characters outside [A-Za-z0-9._~-]";
            }
        }
        if (segments[0].equals(SWARM_DIRECTORY)) {
            return "path is under " + SWARM_DIRECTORY + "/, the manifest's own directory";
        }
        return null;
    }

    /** Whether {@code path} keeps the rules. */
    public static boolean isValid(String path) {
        return problem(path) == null;
    }
}
