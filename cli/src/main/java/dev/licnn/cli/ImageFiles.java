package dev.licnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Image paths from the command line: files, or folders searched for PNG and JPEG files. */
final class ImageFiles {

    private ImageFiles() {}

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * Expands folders (skipping {@code masks/} folders of datasets); a missing path is a {@link
     * CliException}.
     */
    static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile)
                            .filter(ImageFiles::isImage)
                            .filter(
                                    f ->
                                            !p.relativize(f)
                                                    .toString()
                                                    .replace('\\', '/')
                                                    .matches("(.*/)?masks/.*"))
                            .sorted()
                            .forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new CliException("no such file: " + p);
            }
        }
        if (out.isEmpty()) {
            throw new CliException("no PNG or JPEG images in " + args);
        }
        return out;
    }
}
