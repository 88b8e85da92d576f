package org.browsersocket.discovery.directory;

import org.browsersocket.discovery.store.StoredValue;

/** Told of every change a write made, for live watchers (the JSON API's Server-Sent Events) and kept answers. */
public interface ValueFeed {
    /** {@code key} changed: {@code value} was stored, or (null) a value was removed. */
    void published(byte[] key, StoredValue value);

    /** A feed nobody listens to. */
    ValueFeed NONE = (key, value) -> { };
}
