package org.browsersocket.address.cli;

import org.browsersocket.address.proxy.TrustedProxy;

import picocli.CommandLine;

/** Turns a {@code --trusted-proxy} value into a {@link TrustedProxy}. */
final class TrustedProxyConverter implements CommandLine.ITypeConverter<TrustedProxy> {

    @Override
    public TrustedProxy convert(String value) {
        try {
            return TrustedProxy.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
