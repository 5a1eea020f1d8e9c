package dev.licnn.server;

import dev.licnn.engine.model.Labels;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the bundled default model lives, and what is served when it is missing. */
public final class BundledModels {

    private static final Logger LOG = LoggerFactory.getLogger(BundledModels.class);

    /** Folder of the bundled model, relative to the project's home. */
    public static final String DEFAULT_MODEL_DIR = "models/shapes-vgg16";

    private BundledModels() {}

    /** The project's home: {@code $LICNN_HOME}, else the working directory. */
    public static Path home() {
        String h = System.getenv("LICNN_HOME");
        return Path.of(h == null || h.isEmpty() ? "." : h);
    }

    /**
     * The bundled model from {@code $LICNN_HOME/models/shapes-vgg16}; when it is absent, a seeded
     * random narrow VGG-16 with 10 classes (and a warning), so the server always starts.
     */
    public static ModelCard defaultModel() throws IOException {
        Path dir = home().resolve(DEFAULT_MODEL_DIR);
        if (Files.isRegularFile(dir.resolve("model.json"))) {
            return ModelCard.load(dir);
        }
        LOG.warn(
                "bundled model not found at {}; serving a seeded random narrow VGG-16 instead",
                dir.toAbsolutePath());
        return randomNarrow();
    }

    /** A narrow VGG-16 (1/8 of the widths) with 10 classes and seeded random weights. */
    public static ModelCard randomNarrow() {
        VggSpec spec = VggSpec.vgg16(false).scaled(8, 128, 10).withName("vgg16-narrow");
        return ModelCard.random("vgg16-narrow-random", spec, 1, Labels.indexed(10));
    }

    /**
     * {@code ARCH} or {@code ARCH:CLASSES} with random weights, e.g. {@code vgg16} (ImageNet
     * labels); {@code ARCH/N} divides every convolution's width by N and has a 128-wide classifier
     * (a narrow model with the 1000 ImageNet classes, e.g. {@code vgg11/16}).
     */
    public static ModelCard random(String text) {
        String[] p = text.split(":");
        String[] narrow = p[0].split("/");
        VggSpec spec = VggSpec.byName(narrow[0]);
        Labels labels = Labels.imagenet();
        if (narrow.length > 1) {
            spec = spec.scaled(Integer.parseInt(narrow[1]), 128, spec.numClasses());
        }
        if (p.length > 1) {
            int classes = Integer.parseInt(p[1]);
            spec = spec.scaled(1, spec.hidden(), classes);
            labels = Labels.indexed(classes);
        }
        return ModelCard.random(p[0].replace('/', '-') + "-random", spec, 42, labels);
    }
}
