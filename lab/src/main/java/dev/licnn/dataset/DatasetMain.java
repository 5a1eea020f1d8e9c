package dev.licnn.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Command-line entry point:
 *
 * <pre>
 * java dev.licnn.dataset.DatasetMain --out data/shapes --seed 7 --train 4000 --natural 500 \
 *     --adversarial 500 [--size 224] [--own-rate 0.8] [--threads 2]
 * </pre>
 */
public final class DatasetMain {

    private DatasetMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a =
                Flags.parse(
                        args,
                        List.of(
                                "out",
                                "seed",
                                "train",
                                "natural",
                                "adversarial",
                                "size",
                                "own-rate",
                                "threads"));
        if (!a.containsKey("out")) {
            System.err.println(
                    "usage: DatasetMain --out DIR [--seed N] [--train N] [--natural N] [--adversarial N]"
                            + " [--size 224] [--own-rate 0.8] [--threads N]");
            System.exit(2);
        }
        DatasetConfig config =
                DatasetConfig.builder()
                        .optSeed(Long.parseLong(a.getOrDefault("seed", "0")))
                        .optImageSize(Integer.parseInt(a.getOrDefault("size", "224")))
                        .optCount(Split.TRAIN, Integer.parseInt(a.getOrDefault("train", "0")))
                        .optCount(Split.NATURAL, Integer.parseInt(a.getOrDefault("natural", "0")))
                        .optCount(
                                Split.ADVERSARIAL,
                                Integer.parseInt(a.getOrDefault("adversarial", "0")))
                        .optOwnBackgroundRate(Double.parseDouble(a.getOrDefault("own-rate", "0.8")))
                        .build();
        int threads =
                Integer.parseInt(
                        a.getOrDefault(
                                "threads",
                                Integer.toString(Runtime.getRuntime().availableProcessors())));
        long t0 = System.nanoTime();
        List<ManifestEntry> rows =
                new DatasetGenerator(config).generate(Path.of(a.get("out")), threads);
        System.out.printf(
                "wrote %d images to %s in %.1f s (%s)%n",
                rows.size(), a.get("out"), (System.nanoTime() - t0) / 1e9, config);
    }
}
