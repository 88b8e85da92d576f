package org.browsersocket.discovery.cli;

import org.browsersocket.discovery.store.StoreLocation;
import org.browsersocket.service.cli.ParsingConverter;

/** Turns a {@code --store} value into a {@link StoreLocation}. */
final class StoreLocationConverter extends ParsingConverter<StoreLocation> {

    StoreLocationConverter() {
        super(StoreLocation::parse);
    }
}
