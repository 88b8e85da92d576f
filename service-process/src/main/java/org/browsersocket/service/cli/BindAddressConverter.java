package org.browsersocket.service.cli;

import org.browsersocket.service.http.BindAddress;

/** Turns a {@code --bind} value into a {@link BindAddress}. */
final class BindAddressConverter extends ParsingConverter<BindAddress> {

    BindAddressConverter() {
        super(BindAddress::parse);
    }
}
