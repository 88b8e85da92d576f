package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine.TypeConversionException;

class PortConverterTest {

    private final PortConverter converter = new PortConverter();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|0", "1|1", "7050|7050", "65535|65535", "' 80 '|80"})
    void acceptsEveryPortAndZeroForAnyFreePort(String text, int port) {
        assertEquals(port, converter.convert(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "seven|'seven' is not a port number",
        "''|'' is not a port number",
        "7050.0|'7050.0' is not a port number",
        "-1|-1 is not a port number (0-65535, 0 = any free port)",
        "65536|65536 is not a port number (0-65535, 0 = any free port)",
    })
    void rejectsWhatIsNotAPortAndSaysWhy(String text, String reason) {
        TypeConversionException e = assertThrows(TypeConversionException.class,
                () -> converter.convert(text));
        assertEquals(reason, e.getMessage());
    }
}
