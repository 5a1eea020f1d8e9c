package dev.licnn.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes the generated shapes dataset (ImageFolder, masks, {@code manifest.csv}). {@code licnn
 * dataset} runs it with these options; so does its own {@link #main}:
 *
 * <pre>
 * java dev.licnn.dataset.DatasetMain --out data/shapes --seed 7 --train 4000 --natural 500 \
 *     --adversarial 500 [--size 224] [--own-rate 0.8] [--threads 2]
 * </pre>
 */
@Command(
        name = "dataset",
        mixinStandardHelpOptions = true,
        description =
                "Generate the shapes dataset (ImageFolder, masks, manifest.csv). Same seed, same bytes.")
public final class DatasetMain implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of every image (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--train",
            defaultValue = "0",
            paramLabel = "N",
            description = "Images in the train split (default ${DEFAULT-VALUE}).")
    int train;

    @Option(
            names = "--natural",
            defaultValue = "0",
            paramLabel = "N",
            description = "Images in the natural split (default ${DEFAULT-VALUE}).")
    int natural;

    @Option(
            names = "--adversarial",
            defaultValue = "0",
            paramLabel = "N",
            description = "Images in the adversarial split (default ${DEFAULT-VALUE}).")
    int adversarial;

    @Option(
            names = "--size",
            defaultValue = "224",
            description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--own-rate",
            defaultValue = "0.8",
            description =
                    "Share of train and natural images on their class's own background (default ${DEFAULT-VALUE}).")
    double ownRate;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Generating threads (default: the available processors).")
    Integer threads;

    @Spec CommandSpec spec;

    /** Runs the generator; exits with status 2 on a bad option. */
    public static void main(String[] args) {
        int code = new CommandLine(new DatasetMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The dataset the options describe. */
    DatasetConfig config() {
        return DatasetConfig.builder()
                .optSeed(seed)
                .optImageSize(size)
                .optCount(Split.TRAIN, train)
                .optCount(Split.NATURAL, natural)
                .optCount(Split.ADVERSARIAL, adversarial)
                .optOwnBackgroundRate(ownRate)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        DatasetConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--threads must be at least 1, got " + n);
        }
        long t0 = System.nanoTime();
        List<ManifestEntry> rows = new DatasetGenerator(config).generate(out, n);
        System.out.printf(
                "wrote %d images to %s in %.1f s (%s)%n",
                rows.size(), out, (System.nanoTime() - t0) / 1e9, config);
        return 0;
    }
}
