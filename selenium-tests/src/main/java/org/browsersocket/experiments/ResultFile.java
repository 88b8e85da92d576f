package org.browsersocket.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A result CSV read back: one map per row, column → cell, in the file's own column order. */
public final class ResultFile {
    private ResultFile() {}

    /** The rows of {@code <results>/<name>.csv}. */
    public static List<Map<String, String>> read(Path results, String name) throws IOException {
        List<String> lines = Files.readAllLines(results.resolve(name + ".csv"));
        if (lines.isEmpty()) {
            throw new IOException(name + ".csv is empty");
        }
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != header.size()) {
                throw new IOException(name + ".csv: " + cells.length + " cells for " + header.size() + " columns: " + line);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < cells.length; i++) {
                row.put(header.get(i), cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }
}
