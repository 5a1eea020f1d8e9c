package dev.licnn.train;

import ai.djl.Device;
import dev.licnn.dataset.Split;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints a model's top-1 accuracy on one split of a generated dataset. {@code licnn evaluate} runs
 * it with these options; so does its own {@link #main}:
 *
 * <pre>
 * java -Dai.djl.offline=true dev.licnn.train.EvaluateMain --model models/shapes-vgg16 --data data/shapes \
 *     --split natural
 * </pre>
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Accuracy of a model on a dataset split.")
public final class EvaluateMain implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder.")
    Path model;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Dataset folder (with manifest.csv).")
    Path data;

    @Option(
            names = "--split",
            defaultValue = "natural",
            paramLabel = "train|natural|adversarial",
            description = "The split (default ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--batch",
            defaultValue = "50",
            description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Image decoding threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Spec CommandSpec spec;

    /** Runs the evaluation; exits with status 2 on a bad option. */
    public static void main(String[] args) {
        int code = new CommandLine(new EvaluateMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        Split s;
        try {
            s = Split.parse(split);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--split: " + e.getMessage(), e);
        }
        if (batch < 1 || threads < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--batch and --threads must be at least 1, got " + batch + " and " + threads);
        }
        ModelCard card = ModelCard.load(model);
        ImageSet images = ImageSet.load(data, s, card.preprocess(), threads);
        try (VggNetwork net = card.createNetwork(Device.cpu())) {
            Evaluation ev = Evaluation.of(net, images, batch);
            System.out.println(card.name() + " on " + s.dirName() + ": " + ev);
            System.out.println("per class: " + ev.perClass());
        }
        return 0;
    }
}
