package dev.licnn.cli.experiment;

import dev.licnn.cli.Connection;
import dev.licnn.experiments.sanity.SanityExperiment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment sanity}: the model parameter randomisation test (Adebayo et al. 2018). For each
 * image and method, the map of the original model's top-1 class is compared with the map of the
 * same class under models whose layers are re-initialised from the top down (cascading) or one at a
 * time (independent), by Spearman rank correlation (of the maps and of their absolute values),
 * Pearson correlation of their HOG descriptors and SSIM.
 */
@Command(
        name = "sanity",
        mixinStandardHelpOptions = true,
        description =
                "Model parameter randomisation test: similarity of maps as layers are re-initialised.")
public final class SanityCommand implements Callable<Integer> {

    @Mixin ImageSelectionOptions selection;

    @Option(
            names = "--methods",
            split = ",",
            defaultValue =
                    "licnn,gradient,gradient_x_input,integrated_gradients,smoothgrad,grad_cam",
            description = "Methods to test (default ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(
            names = "--mode",
            defaultValue = "both",
            description = "cascading, independent or both (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--max-steps",
            defaultValue = "0",
            description = "Only the first N layers from the top (0 = all, down to the first conv).")
    int maxSteps;

    @Option(
            names = "--layers",
            split = ",",
            description =
                    "Only these steps (layer names such as fc8,fc6,conv5_1,conv1_1; "
                            + "cascading still re-initialises every layer above). Default: every layer.")
    List<String> layerNames = new ArrayList<>();

    @Option(
            names = {"--seeds", "--seed"},
            split = ",",
            defaultValue = "1,2,3",
            description =
                    "Re-initialisation seeds; every map is compared under each (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(
            names = "--model",
            defaultValue = "",
            description = "Model name on the server (default: its default model).")
    String model;

    @Option(
            names = "--out",
            defaultValue = "out/sanity",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    java.nio.file.Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            description = "Explain requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--montage",
            defaultValue = "2",
            description = "Images with a map montage (default ${DEFAULT-VALUE}).")
    int montage;

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new SanityExperiment(
                        new SanityExperiment.Settings(
                                selection.toSelection(),
                                methods,
                                mode,
                                maxSteps,
                                layerNames,
                                seeds,
                                model,
                                out,
                                inFlight,
                                montage),
                        connection,
                        CommandLines.typed(spec))
                .run();
    }
}
