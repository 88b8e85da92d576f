package org.browsersocket.discovery.cli;

import org.browsersocket.discovery.store.StoreLocation;

import picocli.CommandLine;

/** Turns a {@code --store} value into a {@link StoreLocation}. */
final class StoreLocationConverter implements CommandLine.ITypeConverter<StoreLocation> {

    @Override
    public StoreLocation convert(String value) {
        try {
            return StoreLocation.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
