package dev.licnn.experiments.data;

import dev.licnn.experiments.ExperimentException;
import dev.licnn.proto.v1.ModelDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which images an experiment looks at: a dataset folder (the command's {@code --data DIR}, an
 * {@link ImageFolder}; a class-stratified random sample of {@code --count} images per split drawn
 * with {@code --sample-seed}, see {@link Sample}) or image files ({@code --images FILE...}: files,
 * or folders searched for PNG and JPEG files, the first {@code --count} in path order).
 */
public final class ImageSelection {

    private final Path data;
    private final List<Path> images;
    private final int count;
    private final long sampleSeed;
    private final List<String> splits;

    /**
     * Exactly one of {@code data} (a dataset folder) and {@code images} (files or folders) is
     * given, the other is null.
     *
     * @param count images per split of {@code data} (0 = all), or in all of {@code images}
     * @param splits the splits of {@code data} to sample (empty: all)
     */
    public ImageSelection(
            Path data, List<Path> images, int count, long sampleSeed, List<String> splits) {
        if ((data == null) == (images == null)) {
            throw new IllegalArgumentException("give either a dataset folder or image files");
        }
        this.data = data;
        this.images = images;
        this.count = count;
        this.sampleSeed = sampleSeed;
        this.splits = splits == null ? List.of() : List.copyOf(splits);
    }

    /**
     * One chosen image: its path, its name (relative to the dataset), its true class (else -1) and
     * mask (else null).
     */
    public record Image(Path path, String name, int classId, Path mask) {}

    /** The dataset items of the last {@link #choose} from {@code --data} (empty otherwise). */
    private List<ImageFolder.Item> sampled = List.of();

    /** The chosen images, in a stable order. */
    public List<Image> choose(ModelDescription d) throws IOException {
        if (count < 0 || (count == 0 && data == null)) {
            throw new ExperimentException("--count must be at least 1 (0 = all, with --data)");
        }
        List<Image> out = new ArrayList<>();
        if (data != null) {
            sampled =
                    Sample.interleave(
                            Sample.stratified(
                                    ImageFolder.scan(data, splits, d), count, sampleSeed));
            for (ImageFolder.Item i : sampled) {
                out.add(
                        new Image(
                                data.resolve(i.file()),
                                i.file(),
                                i.classId(),
                                i.hasMask() ? data.resolve(i.mask()) : null));
            }
            return out;
        }
        for (Path p : images) {
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
                throw new ExperimentException("no such file: " + p);
            }
        }
        if (out.isEmpty()) {
            throw new ExperimentException("no PNG or JPEG images in " + images);
        }
        return out.subList(0, Math.min(count, out.size()));
    }

    /**
     * Prints the class counts of a sample from {@code --data} and writes {@code OUT/sample.json};
     * nothing for {@code --images}.
     */
    public void save(Path out) throws IOException {
        if (data != null) {
            Sample.save(out, sampled, count, sampleSeed);
        }
    }
}
