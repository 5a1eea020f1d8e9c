package dev.licnn.engine.bench;

import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggSpec;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The model a bench program measures: {@code --model DIR}, a model folder, or else {@code --arch},
 * a standard VGG with seeded random weights. A picocli mixin of {@link EngineBench} and {@link
 * DeviceParity}.
 */
public final class ModelChoice {

    @Option(
            names = "--arch",
            defaultValue = "vgg16",
            paramLabel = "ARCH",
            description =
                    "Random weights of this architecture: vgg11|vgg13|vgg16|vgg19, optionally with _bn "
                            + "(default ${DEFAULT-VALUE}); ignored with --model.")
    String arch;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "A model folder instead of --arch.")
    Path model;

    /**
     * The model card: the folder's, or {@code arch} with random weights (seed 42).
     *
     * @param command the command whose option this is, for the error
     * @throws ParameterException naming an unknown architecture or a folder that cannot be read
     */
    ModelCard card(CommandSpec command) {
        if (model != null) {
            try {
                return ModelCard.load(model);
            } catch (IOException | RuntimeException e) {
                throw new ParameterException(
                        command.commandLine(), "--model " + model + ": " + e.getMessage(), e);
            }
        }
        VggSpec spec = Args.checked(command, "--arch", () -> VggSpec.byName(arch));
        return ModelCard.random(arch, spec, 42, Labels.indexed(spec.numClasses()));
    }
}
