package dev.licnn.cli.experiment;

import dev.licnn.cli.Connection;
import dev.licnn.experiments.softmax.SoftmaxExperiment;
import dev.licnn.experiments.softmax.SoftmaxStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment softmax}: LICNN attention maps of each image's top-k classes (ranks 1 to k)
 * with the score back-propagated after softmax (the reference code) and before it (the raw logit).
 * Per image and rank: their Spearman rank correlation and SSIM, and with a mask how focused each is
 * on the object (energy inside the mask, IoU of the thresholded map, and the share of the image the
 * thresholded map covers); {@link SoftmaxStats} pairs them per rank.
 */
@Command(
        name = "softmax",
        mixinStandardHelpOptions = true,
        description =
                "LICNN maps with back-propagation after vs before softmax: similarity and focus per rank, paired tests.")
public final class SoftmaxCommand implements Callable<Integer> {

    @Mixin ImageSelectionOptions selection;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Ranks compared (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--model",
            defaultValue = "",
            description = "Model name on the server (default: its default model).")
    String model;

    @Option(
            names = "--out",
            defaultValue = "out/softmax",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "Explain requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--montage",
            defaultValue = "8",
            description = "Images drawn side by side in softmax.png (default ${DEFAULT-VALUE}).")
    int montage;

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new SoftmaxExperiment(
                        new SoftmaxExperiment.Settings(
                                selection.toSelection(), topK, model, out, inFlight, montage),
                        connection,
                        CommandLines.typed(spec))
                .run();
    }
}
