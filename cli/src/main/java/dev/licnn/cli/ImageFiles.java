package dev.licnn.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Image paths from the command line: files, or folders searched for PNG and JPEG files. What a
 * folder holds besides is skipped and reported in one line ({@code skipped 3 file(s): 2 .bmp, 1
 * .gif (only PNG and JPEG are read)}); the {@code masks/} folders of a dataset made by {@code licnn
 * dataset} (one with a {@code manifest.csv} above them) are skipped silently.
 */
final class ImageFiles {

    private ImageFiles() {}

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** The images of {@code args}, with nothing reported. */
    static List<Path> expand(List<Path> args) throws IOException {
        return expand(args, null);
    }

    /**
     * Expands folders; a missing path is a {@link CliException}. Files skipped in folders are
     * counted by extension and reported on {@code report} (when not null).
     */
    static List<Path> expand(List<Path> args, PrintStream report) throws IOException {
        List<Path> out = new ArrayList<>();
        Map<String, Integer> skipped = new TreeMap<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                List<Path> found;
                try (Stream<Path> s = Files.walk(p)) {
                    found =
                            s.filter(Files::isRegularFile)
                                    .filter(f -> !isDatasetMask(f))
                                    .sorted()
                                    .collect(Collectors.toList());
                }
                for (Path f : found) {
                    if (isImage(f)) {
                        out.add(f);
                    } else if (!f.getFileName().toString().startsWith(".")
                            && !f.getFileName().toString().equals("manifest.csv")) {
                        skipped.merge(extension(f), 1, Integer::sum);
                    }
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new CliException("no such file: " + p);
            }
        }
        String skipLine = skippedLine(skipped);
        if (out.isEmpty()) {
            throw new CliException(
                    "no PNG or JPEG images in "
                            + args
                            + (skipLine.isEmpty() ? "" : "; " + skipLine));
        }
        if (report != null && !skipLine.isEmpty()) {
            report.println(skipLine);
        }
        return out;
    }

    /** {@code skipped 3 file(s): 2 .bmp, 1 .gif (only PNG and JPEG are read)}, or empty. */
    static String skippedLine(Map<String, Integer> byExtension) {
        if (byExtension.isEmpty()) {
            return "";
        }
        int total = byExtension.values().stream().mapToInt(Integer::intValue).sum();
        return "skipped "
                + total
                + " file(s): "
                + byExtension.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "))
                + " (only PNG and JPEG are read)";
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? "without extension" : n.substring(dot).toLowerCase(Locale.ROOT);
    }

    /** A file under a {@code masks/} folder of a dataset: a {@code manifest.csv} sits above it. */
    static boolean isDatasetMask(Path f) {
        Path dir = f.toAbsolutePath().normalize().getParent();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (d.getFileName() != null && d.getFileName().toString().equals("masks")) {
                Path up = d.getParent();
                for (int i = 0; i < 2 && up != null; i++, up = up.getParent()) {
                    if (Files.isRegularFile(up.resolve("manifest.csv"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
