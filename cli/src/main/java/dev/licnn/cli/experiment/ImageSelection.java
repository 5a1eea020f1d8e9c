package dev.licnn.cli.experiment;

import dev.licnn.cli.CliException;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which images an experiment looks at: {@code --data DIR} (an {@link ImageFolder}; up to
 * {@code --count} images taken in turn from each split and class) or {@code --images FILE...}
 * (files, or folders searched for PNG and JPEG files).
 */
public final class ImageSelection {

    /** The two exclusive sources. */
    static final class Source {
        @Option(names = "--data", description = "ImageFolder dataset: DIR/<split>/<class>/*.png (or a manifest.csv).")
        Path data;

        @Option(names = "--images", split = ",", arity = "1..*", description = "Image files or folders.")
        List<Path> images;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--count", defaultValue = "8", description = "At most this many images (default ${DEFAULT-VALUE}).")
    int count;

    /** One chosen image: its path and, for a dataset, its true class (else -1). */
    public record Image(Path path, String name, int classId) {}

    /** The chosen images, in a stable order. */
    public List<Image> choose(ModelDescription d) throws IOException {
        if (count < 1) {
            throw new CliException("--count must be at least 1");
        }
        List<Image> out = new ArrayList<>();
        if (source.data != null) {
            List<ImageFolder.Item> items = ImageFolder.scan(source.data, List.of(), d);
            Map<String, List<ImageFolder.Item>> groups = new LinkedHashMap<>();
            items.forEach(i -> groups.computeIfAbsent(i.split() + "/" + i.className(), k -> new ArrayList<>()).add(i));
            for (int round = 0; out.size() < count; round++) {
                boolean any = false;
                for (List<ImageFolder.Item> g : groups.values()) {
                    if (round < g.size() && out.size() < count) {
                        ImageFolder.Item i = g.get(round);
                        out.add(new Image(source.data.resolve(i.file()), i.file(), i.classId()));
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
            }
            return out;
        }
        for (Path p : source.images) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted()
                            .forEach(f -> out.add(new Image(f, p.relativize(f).toString(), -1)));
                }
            } else if (Files.isRegularFile(p)) {
                out.add(new Image(p, p.getFileName().toString(), -1));
            } else {
                throw new CliException("no such file: " + p);
            }
        }
        if (out.isEmpty()) {
            throw new CliException("no PNG or JPEG images in " + source.images);
        }
        return out.subList(0, Math.min(count, out.size()));
    }
}
