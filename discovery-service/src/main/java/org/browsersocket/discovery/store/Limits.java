package org.browsersocket.discovery.store;

/** OpenLookup's limits (DESIGN §5) plus this service's abuse limits. */
public final class Limits {
    /** Longest key; longer names are hashed with SHA-1 by clients. */
    public static final int MAX_KEY_BYTES = 20;
    /** Longest value. */
    public static final int MAX_VALUE_BYTES = 1024;
    /** Longest time to live: one week. */
    public static final int MAX_TTL_SECONDS = 604_800;
    /** Most live values one key may hold; a put beyond it answers "over capacity". */
    public static final int MAX_VALUES_PER_KEY = 1000;
    /** Most values one get may return. */
    public static final int MAX_VALUES_PER_GET = 1000;
    /** Longest label of a signed value. */
    public static final int MAX_LABEL_BYTES = 256;

    private Limits() {}
}
