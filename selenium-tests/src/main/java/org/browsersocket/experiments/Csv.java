package org.browsersocket.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A result table, written as CSV with a header row; numbers in a locale-independent form. */
public final class Csv {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Csv(String... header) {
        this.header = List.of(header);
    }

    public Csv row(Object... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("row of " + values.length + " values for " + header.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object v : values) {
            row.add(format(v));
        }
        rows.add(row);
        return this;
    }

    public void write(Path file) throws IOException {
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (List<String> row : rows) {
            out.append(String.join(",", row)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    private static String format(Object value) {
        if (value == null || value instanceof Double d && !Double.isFinite(d)) {
            return ""; // not measured (the paper shows a dash)
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        return String.valueOf(value).replace(',', ';').replace('\n', ' ');
    }
}
