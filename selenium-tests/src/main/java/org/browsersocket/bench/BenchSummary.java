package org.browsersocket.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * The one table {@code make bench} ends with: every benchmark step appends its headline figures
 * (a measure, its value, the goal it is judged against, a detail) as tab-separated lines to the
 * file named by the environment variable {@code BENCH_SUMMARY}; {@link #main} prints them in the
 * order they were measured. Steps run alone (without the variable) record nothing. In-process
 * callers (such as {@code make experiments}) name the file with the system property
 * {@value #FILE_PROPERTY} instead.
 */
public final class BenchSummary {
    /** The environment variable naming the summary file. */
    public static final String FILE_VARIABLE = "BENCH_SUMMARY";
    /** The system property naming the summary file when the environment variable is not set. */
    public static final String FILE_PROPERTY = "bench.summary";

    private BenchSummary() {
    }

    /** Appends one row (tabs and line breaks in the fields become spaces). */
    public static void record(String measure, String value, String goal, String detail) {
        String file = file();
        if (file == null) {
            return;
        }
        String line = String.join("\t", clean(measure), clean(value), clean(goal), clean(detail)) + "\n";
        try {
            Files.writeString(Path.of(file), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not record \"" + measure + "\" in " + file + ": " + e.getMessage());
        }
    }

    /** A ratio or rate as the table shows it: two decimals below 10, whole numbers above. */
    public static String figure(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.0f", value);
    }

    /** The summary file named by the environment variable, else by the system property; null if neither. */
    static String file() {
        String file = System.getenv(FILE_VARIABLE);
        if (file == null || file.isBlank()) {
            file = System.getProperty(FILE_PROPERTY);
        }
        return file == null || file.isBlank() ? null : file;
    }

    /** Prints the table of the file given as the only argument (or named by {@code BENCH_SUMMARY}). */
    public static void main(String[] args) throws IOException {
        String file = args.length > 0 ? args[0] : file();
        if (file == null || !Files.exists(Path.of(file))) {
            System.err.println("usage: BenchSummary FILE (the file the benchmark steps appended to)");
            System.exit(2);
        }
        print(Path.of(file));
    }

    /** Prints the table of {@code file}: one line per recorded row, in the order recorded. */
    public static void print(Path file) throws IOException {
        List<String[]> rows = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).map(line -> line.split("\t", -1)).toList();
        int width = Math.max(7, rows.stream().mapToInt(r -> r[0].length()).max().orElse(0));
        String format = "%-" + width + "s  %10s  %-10s  %s%n";
        System.out.printf(Locale.ROOT, format, "measure", "value", "goal", "detail");
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, format, row[0], at(row, 1), at(row, 2), at(row, 3));
        }
    }

    private static String at(String[] row, int index) {
        return index < row.length ? row[index] : "";
    }

    private static String clean(String field) {
        return field == null ? "" : field.replaceAll("[\\t\\r\\n]+", " ");
    }
}
