package dev.licnn.dataset;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@code manifest.csv}: a header line, then one {@link ManifestEntry} per image.
 */
public final class Manifest {

    /** File name of the manifest in a dataset root. */
    public static final String FILE_NAME = "manifest.csv";

    private Manifest() {}

    /** Writes {@code entries} to {@code path}, in the given order. */
    public static void write(Path path, List<ManifestEntry> entries) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            w.write(ManifestEntry.HEADER);
            w.write('\n');
            for (ManifestEntry e : entries) {
                w.write(e.toCsv());
                w.write('\n');
            }
        }
    }

    /** A manifest that cannot be read as a table, or whose rows are not entries. */
    public static final class MalformedException extends IOException {

        private static final long serialVersionUID = 1L;

        public MalformedException(String message) {
            super(message);
        }

        MalformedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One non-blank row of a manifest: its line number (from 1), its text and its fields. */
    public record Row(int line, String text, List<String> fields) {

        /**
         * The field in column {@code index}, or "" when the column is absent ({@code index < 0}).
         */
        public String field(int index) {
            return index < 0 ? "" : fields.get(index);
        }
    }

    /**
     * A manifest as a table: the file, the column names of its header line and its rows, each with
     * at least as many fields as the header names.
     */
    public record Table(Path file, List<String> header, List<Row> rows) {

        /** The index of a column, or -1. */
        public int column(String name) {
            return header.indexOf(name);
        }
    }

    /**
     * Reads a manifest as a table: any header (the generated datasets' {@link
     * ManifestEntry#HEADER}, or a hand-written one), blank lines skipped. This is the one reader of
     * {@code manifest.csv}; {@link #read} and the experiments' image folders both use it.
     *
     * @param path a {@code manifest.csv}, or a dataset root that contains one
     * @throws MalformedException if the file is empty or a row has fewer fields than the header
     * @throws IOException if the file cannot be read
     */
    public static Table table(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new MalformedException(file + " is empty");
        }
        List<String> header = List.of(lines.get(0).split(",", -1));
        List<Row> rows = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = List.of(line.split(",", -1));
            if (fields.size() < header.size()) {
                throw new MalformedException(
                        file + ":" + (i + 1) + ": expected " + header.size() + " columns");
            }
            rows.add(new Row(i + 1, line, fields));
        }
        return new Table(file, header, rows);
    }

    /**
     * Reads every entry of a generated dataset's manifest.
     *
     * @param path a {@code manifest.csv}, or a dataset root that contains one
     * @throws IOException if the file cannot be read, is not a dataset manifest or a line is
     *     malformed
     */
    public static List<ManifestEntry> read(Path path) throws IOException {
        Table t = table(path);
        if (!String.join(",", t.header()).equals(ManifestEntry.HEADER)) {
            throw new MalformedException(
                    t.file()
                            + ": not a dataset manifest (header expected: "
                            + ManifestEntry.HEADER
                            + ")");
        }
        List<ManifestEntry> out = new ArrayList<>(t.rows().size());
        for (Row r : t.rows()) {
            try {
                out.add(ManifestEntry.parse(r.text()));
            } catch (IllegalArgumentException e) {
                throw new MalformedException(t.file() + ":" + r.line() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The entries of one split, in manifest order. */
    public static List<ManifestEntry> ofSplit(List<ManifestEntry> entries, Split split) {
        return entries.stream().filter(e -> e.split() == split).toList();
    }
}
