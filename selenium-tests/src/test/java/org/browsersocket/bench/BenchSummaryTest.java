package org.browsersocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table make bench and make experiments end with: rows recorded by the steps, printed in order. */
class BenchSummaryTest {
    @Test
    void rowsRecordedInProcessGoToTheFileNamedByTheSystemPropertyAndPrintInOrder(@TempDir Path dir) throws Exception {
        assumeTrue(System.getenv(BenchSummary.FILE_VARIABLE) == null, "the environment names a summary file already");
        Path file = dir.resolve("summary.tsv");
        System.setProperty(BenchSummary.FILE_PROPERTY, file.toString());
        try {
            BenchSummary.record("E1 page / floor, 64 B", BenchSummary.figure(1.234), "<= 1.25", "medians\tin one run");
            BenchSummary.record("E3 runtime slope, bytes per idle peer", BenchSummary.figure(1536), "<= 2048", "after GC");
        } finally {
            System.clearProperty(BenchSummary.FILE_PROPERTY);
        }
        assertEquals(List.of("E1 page / floor, 64 B\t1.23\t<= 1.25\tmedians in one run",
                "E3 runtime slope, bytes per idle peer\t1536\t<= 2048\tafter GC"), Files.readAllLines(file));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            BenchSummary.print(file);
        } finally {
            System.setOut(original);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("measure"), lines.get(0));
        assertTrue(lines.get(1).startsWith("E1 page / floor, 64 B") && lines.get(1).contains("1.23"), lines.get(1));
        assertTrue(lines.get(2).startsWith("E3 runtime slope") && lines.get(2).contains("1536"), lines.get(2));
    }

    @Test
    void withNeitherVariableNorPropertyNoFileIsNamed() {
        assumeTrue(System.getenv(BenchSummary.FILE_VARIABLE) == null, "the environment names a summary file already");
        System.clearProperty(BenchSummary.FILE_PROPERTY);
        assertEquals(null, BenchSummary.file()); // so a step run alone records nothing
    }
}
