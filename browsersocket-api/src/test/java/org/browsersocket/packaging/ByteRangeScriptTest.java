package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Range and If-Range over bodies of known length, lib/byte-range.js (run by Node.js). */
class ByteRangeScriptTest {
    private static String ranges(String... headers) throws Exception {
        StringBuilder probe = new StringBuilder("console.log([");
        for (String header : headers) {
            probe.append("'").append(header).append("',");
        }
        probe.append("].map(function (h) { var r = byteRange(h, 10);"
                + " return r === null ? 'whole' : r.unsatisfiable ? '416 ' + contentRange(r, 10) : contentRange(r, 10); }).join('; '))");
        return NodeProgram.run(Path.of("target"), NodeProgram.fragment("lib/byte-range.js") + "\n" + probe);
    }

    @Test
    void aSingleRangeIsClampedToTheBody() throws Exception {
        assertEquals("bytes 0-4/10; bytes 5-9/10; bytes 8-9/10; bytes 3-3/10; bytes 1-2/10",
                ranges("bytes=0-4", "bytes=5-", "bytes=8-100", "bytes=3-3", "Bytes = 1 - 2"));
    }

    @Test
    void aSuffixRangeIsTheLastBytesOrTheWholeBody() throws Exception {
        assertEquals("bytes 7-9/10; bytes 0-9/10", ranges("bytes=-3", "bytes=-20"));
    }

    @Test
    void aRangeWithNoByteOfTheBodyIsUnsatisfiable() throws Exception {
        assertEquals("416 bytes */10; 416 bytes */10; 416 bytes */10", ranges("bytes=10-", "bytes=12-15", "bytes=-0"));
    }

    @Test
    void severalRangesAndMalformedOnesAreIgnored() throws Exception {
        assertEquals("whole; whole; whole; whole; whole", ranges("bytes=0-1,4-5", "bytes=5-2", "items=0-1", "bytes=-", "bytes=a-b"));
    }

    @Test
    void anEmptyBodyHasNoSatisfiableRange() throws Exception {
        assertEquals("true true", NodeProgram.run(Path.of("target"), NodeProgram.fragment("lib/byte-range.js")
                + "\nconsole.log(byteRange('bytes=0-', 0).unsatisfiable, byteRange('bytes=-5', 0).unsatisfiable)"));
    }

    @Test
    void ifRangeMustNameTheStrongEtagOrExactlyTheLastModifiedDate() throws Exception {
        String out = NodeProgram.run(Path.of("target"), NodeProgram.fragment("lib/byte-range.js") + """
                
                var date = 'Tue, 01 Jul 2025 10:00:00 GMT';
                console.log([
                  ifRangeMatches(null, null, null),
                  ifRangeMatches('"v1"', '"v1"', null),
                  ifRangeMatches('"v1"', '"v2"', null),
                  ifRangeMatches('W/"v1"', 'W/"v1"', null),
                  ifRangeMatches(date, '"v1"', date),
                  ifRangeMatches(date, null, 'Wed, 02 Jul 2025 10:00:00 GMT'),
                  ifRangeMatches('"v1"', null, date)
                ].join(' '));
                """);
        assertEquals("true true false false true false false", out);
    }
}
