package org.browsersocket.runtime.control;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Which page origins the user allowed to open listeners ({@code --allow-origin}). */
public final class OriginPolicy {
    private final Set<String> allowed;

    public OriginPolicy(Set<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    public boolean allows(String origin) {
        return origin != null && allowed.contains(normalize(origin));
    }

    /** Why a page of this origin may not listen, in words a page author can act on. */
    public String refusal(String origin) {
        if (origin == null || origin.isEmpty()) {
            return "the control channel request carried no Origin header";
        }
        return "origin " + origin + " is not allowed to open listeners on this runtime"
                + " (start the runtime with --allow-origin " + origin + ")";
    }

    /** Origins compare case-insensitively and without a trailing slash. */
    static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
