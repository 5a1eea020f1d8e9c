package dev.licnn.cli.experiment;

import dev.licnn.cli.CliException;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which images an experiment looks at: {@code --data DIR} (an {@link ImageFolder}; a
 * class-stratified random sample of {@code --count} images per split drawn with {@code
 * --sample-seed}, see {@link Sample}) or {@code --images FILE...} (files, or folders searched for
 * PNG and JPEG files, the first {@code --count} in path order).
 */
public final class ImageSelection {

    /** The two exclusive sources. */
    static final class Source {
        @Option(
                names = "--data",
                description = "ImageFolder dataset: DIR/<split>/<class>/*.png (or a manifest.csv).")
        Path data;

        @Option(
                names = "--images",
                split = ",",
                arity = "1..*",
                description = "Image files or folders.")
        List<Path> images;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = "--count",
            defaultValue = "8",
            description =
                    "Images per split (with --data: a class-stratified random sample; "
                            + "0 = all) or in all (default ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--sample-seed",
            defaultValue = "1",
            description = "Seed of the sample drawn from --data (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(
            names = "--splits",
            split = ",",
            description = "Splits of --data to sample (default: all).")
    List<String> splits = new ArrayList<>();

    /**
     * One chosen image: its path, its name (relative to the dataset), its true class (else -1) and
     * mask (else null).
     */
    public record Image(Path path, String name, int classId, Path mask) {}

    /** The dataset items of the last {@link #choose} from {@code --data} (empty otherwise). */
    private List<ImageFolder.Item> sampled = List.of();

    /** The chosen images, in a stable order. */
    public List<Image> choose(ModelDescription d) throws IOException {
        if (count < 0 || (count == 0 && source.data == null)) {
            throw new CliException("--count must be at least 1 (0 = all, with --data)");
        }
        List<Image> out = new ArrayList<>();
        if (source.data != null) {
            sampled =
                    Sample.interleave(
                            Sample.stratified(
                                    ImageFolder.scan(source.data, splits, d), count, sampleSeed));
            for (ImageFolder.Item i : sampled) {
                out.add(
                        new Image(
                                source.data.resolve(i.file()),
                                i.file(),
                                i.classId(),
                                i.hasMask() ? source.data.resolve(i.mask()) : null));
            }
            return out;
        }
        for (Path p : source.images) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile)
                            .filter(ImageFolder::isImage)
                            .sorted()
                            .forEach(
                                    f ->
                                            out.add(
                                                    new Image(
                                                            f,
                                                            p.relativize(f).toString(),
                                                            -1,
                                                            null)));
                }
            } else if (Files.isRegularFile(p)) {
                out.add(new Image(p, p.getFileName().toString(), -1, null));
            } else {
                throw new CliException("no such file: " + p);
            }
        }
        if (out.isEmpty()) {
            throw new CliException("no PNG or JPEG images in " + source.images);
        }
        return out.subList(0, Math.min(count, out.size()));
    }

    /**
     * Prints the class counts of a sample from {@code --data} and writes {@code OUT/sample.json};
     * nothing for {@code --images}.
     */
    public void save(Path out) throws IOException {
        if (source.data != null) {
            Sample.save(out, sampled, count, sampleSeed);
        }
    }
}
