package dev.licnn.cli.experiment;

import dev.licnn.experiments.data.ImageSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options that choose an experiment's images ({@link ImageSelection}): {@code --data DIR} or
 * {@code --images FILE...}, {@code --count}, {@code --sample-seed}, {@code --splits}.
 */
public final class ImageSelectionOptions {

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

    /** The selection these options name. */
    public ImageSelection toSelection() {
        return new ImageSelection(source.data, source.images, count, sampleSeed, splits);
    }
}
