package org.browsersocket.address.cli;

import org.browsersocket.address.proxy.ForwardingHeader;
import org.browsersocket.service.cli.ParsingConverter;

/** Turns a {@code --proxy-header} value into a {@link ForwardingHeader}. */
final class ForwardingHeaderConverter extends ParsingConverter<ForwardingHeader> {

    ForwardingHeaderConverter() {
        super(ForwardingHeader::parse);
    }
}
