package dev.licnn.cli.experiment;

import dev.licnn.cli.Connection;
import dev.licnn.experiments.localisation.LocalisationExperiment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment localisation --data DIR}: how well saliency maps locate the objects of a
 * dataset with masks (pointing game, energy, IoU, AUC), per split and method, with a centred
 * Gaussian map as the floor.
 */
@Command(
        name = "localisation",
        aliases = "localization",
        mixinStandardHelpOptions = true,
        description =
                "Pointing game, energy inside the mask, IoU and AUC-ROC of saliency maps on a dataset with masks.")
public final class LocalisationCommand implements Callable<Integer> {

    @Option(
            names = "--data",
            required = true,
            description = "Dataset folder with manifest.csv and masks.")
    Path data;

    @Option(
            names = "--splits",
            split = ",",
            defaultValue = "natural,adversarial",
            description = "Splits to measure (default ${DEFAULT-VALUE}).")
    List<String> splits;

    @Option(
            names = {"--sample", "--limit"},
            defaultValue = "0",
            description =
                    "A class-stratified random sample of this many images per split (0 = all; default ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--sample-seed",
            defaultValue = "1",
            description = "Seed of the sample (default ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(
            names = "--top-k",
            defaultValue = "5",
            description = "Classes summed into the saliency map (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--out",
            defaultValue = "out/localisation",
            description = "Folder for CSV and JSON (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--in-flight",
            defaultValue = "8",
            description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--methods",
            split = ",",
            defaultValue = "licnn",
            description =
                    "Methods: licnn, licnn_no_inhibition (a = b = 0: gradient gating only), gradient, gradient_x_input, "
                            + "integrated_gradients, smoothgrad, grad_cam, or all (default ${DEFAULT-VALUE}). The centred Gaussian is "
                            + "always scored as the floor.")
    List<String> methods;

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return new LocalisationExperiment(
                        new LocalisationExperiment.Settings(
                                data, splits, sample, sampleSeed, topK, out, inFlight, methods),
                        connection,
                        CommandLines.typed(spec))
                .run();
    }
}
