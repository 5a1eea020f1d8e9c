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

    /**
     * Reads every entry of a manifest.
     *
     * @param path a {@code manifest.csv}, or a dataset root that contains one
     * @throws IOException if the file cannot be read or a line is malformed
     */
    public static List<ManifestEntry> read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(ManifestEntry.HEADER)) {
            throw new IOException(
                    file
                            + ": not a dataset manifest (header expected: "
                            + ManifestEntry.HEADER
                            + ")");
        }
        List<ManifestEntry> out = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            try {
                out.add(ManifestEntry.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The entries of one split, in manifest order. */
    public static List<ManifestEntry> ofSplit(List<ManifestEntry> entries, Split split) {
        return entries.stream().filter(e -> e.split() == split).toList();
    }
}
