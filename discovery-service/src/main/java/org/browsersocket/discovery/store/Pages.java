package org.browsersocket.discovery.store;

import java.util.List;

/** How both stores turn "up to one more value than asked for" into a {@link Page}. */
final class Pages {
    private Pages() {}

    /**
     * The first {@code maxValues} of {@code found} (live values in value-hash order, at most one
     * more than asked for). The extra one only proves that more follow: then the placemark is the
     * last returned value's hash, else it is empty, so a client never asks for an empty page.
     */
    static Page of(List<StoredValue> found, int maxValues) {
        if (found.size() <= maxValues) {
            return new Page(List.copyOf(found), new byte[0]);
        }
        List<StoredValue> values = List.copyOf(found.subList(0, maxValues));
        return new Page(values, values.get(maxValues - 1).valueHash().clone());
    }
}
