package org.browsersocket.service.cli;

import picocli.CommandLine;

/** Parses a TCP port number, 0 meaning "any free port". */
public final class PortConverter implements CommandLine.ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        int port;
        try {
            port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a port number");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException(
                    port + " is not a port number (0-65535, 0 = any free port)");
        }
        return port;
    }
}
