package org.browsersocket.discovery.store;

import java.util.List;

/**
 * Values of one {@code get}, in value-hash order, and where to continue.
 *
 * @param values    at most the requested number of live values
 * @param placemark opaque bytes for the next {@code get}; empty when there is nothing more
 */
public record Page(List<StoredValue> values, byte[] placemark) {
    public boolean hasMore() {
        return placemark.length > 0;
    }
}
