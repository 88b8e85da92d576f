package org.browsersocket.address.cli;

import org.browsersocket.address.proxy.TrustedProxy;
import org.browsersocket.service.cli.ParsingConverter;

/** Turns a {@code --trusted-proxy} value into a {@link TrustedProxy}. */
final class TrustedProxyConverter extends ParsingConverter<TrustedProxy> {

    TrustedProxyConverter() {
        super(TrustedProxy::parse);
    }
}
