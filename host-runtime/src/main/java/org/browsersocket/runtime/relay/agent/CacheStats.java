package org.browsersocket.runtime.relay.agent;

/**
 * What the relay's cache did since start, and holds now, for the status page.
 *
 * @param hits          requests answered from the store (fresh, or stale while the page was away)
 * @param misses        GET and HEAD requests for which nothing suitable was stored
 * @param revalidations stale responses checked with the page (conditional requests sent)
 * @param entries       responses stored now
 * @param bytes         their size on disk (bodies and metadata)
 */
public record CacheStats(long hits, long misses, long revalidations, long entries, long bytes) {}
