package org.browsersocket.service.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OneLineErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "one line|one line",
        "'  padded  '|padded",
        "'first\nsecond'|first second",
        "'first  \r\n   second\n\nthird\n'|first second third",
    })
    void aMessageIsCollapsedIntoOneLine(String message, String expected) {
        assertEquals(expected, OneLineErrors.oneLine(message));
    }

    @Test
    void noMessageBecomesAnEmptyLine() {
        assertEquals("", OneLineErrors.oneLine(null));
    }

    @Test
    void aLineStartsWithTheCommandsName() {
        StringWriter written = new StringWriter();
        new OneLineErrors("test-service").print(new PrintWriter(written), "it broke");
        assertEquals("test-service: it broke" + System.lineSeparator(), written.toString());
    }
}
