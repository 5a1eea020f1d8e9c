package dev.licnn.cli.experiment;

import dev.licnn.cli.Connection;
import dev.licnn.experiments.blur.BlurExperiment;
import dev.licnn.experiments.blur.BlurRegion;
import dev.licnn.experiments.blur.BlurReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment blur --data DIR}: the paper's background-blur experiment, with controls. For
 * each image of a class-stratified seeded sample (or every image), LICNN's maps (the top-1 class's
 * attention map, the top-k saliency map, and the top-1 map with lateral inhibition switched off,
 * the true class never given) and the controls (the object mask, random regions of the same area)
 * each split the model's input crop into a region and the rest; the crop blurred with Pillow's
 * Gaussian blur at each radius gives a blurred-background and a blurred-object variant of every
 * region, plus the whole image blurred. Every variant is classified as a tensor of the input size
 * (no second resize). Results go to {@code OUT/results.jsonl} one image at a time, so a rerun with
 * the same {@code --out} skips the images already done; tables with Wilson intervals, McNemar
 * tests, charts, the flip list and montage are made from all of them ({@link BlurReport}).
 */
@Command(
        name = "blur",
        mixinStandardHelpOptions = true,
        description =
                "Classify images with a region (LICNN's, the true mask's, a random one) or the rest blurred; "
                        + "accuracy per radius with intervals and paired tests.")
public final class BlurCommand implements Callable<Integer> {

    @Option(
            names = "--data",
            required = true,
            description = "ImageFolder dataset: DIR/<split>/<class>/*.png (or a manifest.csv).")
    Path data;

    @Option(
            names = "--splits",
            split = ",",
            description = "Splits to use (default: every sub-folder that holds class folders).")
    List<String> splits = new ArrayList<>();

    @Option(
            names = "--radii",
            split = ",",
            defaultValue = "2,5,10",
            description =
                    "Blur radii, Pillow GaussianBlur(radius) = sigma in pixels (default ${DEFAULT-VALUE}).")
    List<Float> radii;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Classes summed into the saliency map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = {"--sample", "--limit"},
            defaultValue = "0",
            description =
                    "A class-stratified random sample of this many images per split (0 = all; default ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--sample-seed",
            defaultValue = "1",
            description =
                    "Seed of the sample and of the random regions (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(
            names = "--regions",
            split = ",",
            defaultValue =
                    "licnn_top1,licnn_top5,no_inhibition_top1,ground_truth,random_top1,random_top5",
            description =
                    "Regions to blur around and inside (default ${DEFAULT-VALUE}); the whole image is always blurred too.")
    List<String> regionNames;

    @Option(
            names = "--model",
            defaultValue = "",
            description = "Model name on the server (default: its default model).")
    String model;

    @Option(
            names = "--out",
            defaultValue = "out/blur",
            description =
                    "Output folder; rerunning with the same one resumes (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "Explain requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--classify-threads",
            defaultValue = "2",
            description = "Classify calls in flight (default ${DEFAULT-VALUE}).")
    int classifyThreads;

    @Option(
            names = "--montage",
            defaultValue = "12",
            description = "Flipped images shown in flips.png (default ${DEFAULT-VALUE}).")
    int montage;

    @Option(
            names = "--report-only",
            description =
                    "Compute nothing: remake the tables, charts and flips from the images "
                            + "already in OUT/results.jsonl (a stopped run's finished part); command.txt and sample.json are left as they are.")
    boolean reportOnly;

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private List<BlurRegion> regions;

    @Override
    public Integer call() throws Exception {
        return new BlurExperiment(
                        new BlurExperiment.Settings(
                                data,
                                splits,
                                radii,
                                topK,
                                sample,
                                sampleSeed,
                                regionNames,
                                model,
                                out,
                                inFlight,
                                classifyThreads,
                                montage,
                                reportOnly),
                        connection,
                        CommandLines.typed(spec))
                .run();
    }
}
