package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DayOfWeek;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.TypeConversionException;

class ParsingConverterTest {

    /** A converter as a service writes one. */
    private static final class DayConverter extends ParsingConverter<DayOfWeek> {
        DayConverter() {
            super(DayOfWeek::valueOf);
        }
    }

    @Test
    void aValueIsWhatTheParseFunctionReturns() {
        assertEquals(DayOfWeek.MONDAY, new DayConverter().convert("MONDAY"));
    }

    @Test
    void theParseFunctionsReasonBecomesTheConversionError() {
        TypeConversionException e = assertThrows(TypeConversionException.class,
                () -> new DayConverter().convert("Funday"));
        assertEquals("No enum constant java.time.DayOfWeek.Funday", e.getMessage());
    }
}
