package org.browsersocket.service.cli;

import java.util.function.Function;

import picocli.CommandLine;

/**
 * A picocli converter for a flag whose value type parses itself and rejects bad text with an
 * {@link IllegalArgumentException} carrying a one-line reason; that reason becomes picocli's
 * "Invalid value" message. Subclass it with a no-argument constructor, e.g.
 * {@code super(TrustedProxy::parse)}, and name the subclass in {@code @Option(converter = ...)}.
 *
 * @param <T> the flag's value type
 */
public abstract class ParsingConverter<T> implements CommandLine.ITypeConverter<T> {

    private final Function<String, T> parse;

    /** @param parse turns a flag's text into its value, or throws IllegalArgumentException */
    protected ParsingConverter(Function<String, T> parse) {
        this.parse = parse;
    }

    @Override
    public final T convert(String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
