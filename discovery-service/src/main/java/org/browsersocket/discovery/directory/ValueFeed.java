package org.browsersocket.discovery.directory;

import org.browsersocket.discovery.store.StoredValue;

/** Told of every value a put stored, for live watchers (the JSON API's Server-Sent Events). */
public interface ValueFeed {
    void published(byte[] key, StoredValue value);

    /** A feed nobody listens to. */
    ValueFeed NONE = (key, value) -> { };
}
