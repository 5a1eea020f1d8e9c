package dev.licnn.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.licnn.dataset.DatasetMain;
import dev.licnn.dataset.Split;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.engine.model.VggNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed model, through the serving code path, on images it has never seen (another seed
 * than its training data): it recognises the shapes, and the background bias is there.
 */
class BundledModelTest {

    private static final Path MODEL = Path.of("..", "models", "shapes-vgg16");

    @TempDir static Path data;

    static Evaluation natural;
    static Evaluation adversarial;

    @BeforeAll
    static void evaluate() throws Exception {
        assertTrue(
                Files.isRegularFile(MODEL.resolve("model.json")),
                "no bundled model at " + MODEL.toAbsolutePath());
        DatasetMain.main(
                new String[] {
                    "--out",
                    data.toString(),
                    "--seed",
                    "11",
                    "--train",
                    "0",
                    "--natural",
                    "200",
                    "--adversarial",
                    "200",
                    "--threads",
                    "2"
                });
        ModelCard card = ModelCard.load(MODEL);
        try (VggNetwork net = card.createNetwork(Device.cpu())) {
            natural =
                    Evaluation.of(
                            net, ImageSet.load(data, Split.NATURAL, card.preprocess(), 2), 50);
            adversarial =
                    Evaluation.of(
                            net, ImageSet.load(data, Split.ADVERSARIAL, card.preprocess(), 2), 50);
        }
    }

    @Test
    void classifiesHeldOutNaturalImages() {
        assertTrue(natural.accuracy() >= 0.93, "natural: " + natural);
        assertTrue(
                natural.otherBackgroundAccuracy() >= 0.6, "natural, other backgrounds: " + natural);
    }

    @Test
    void leansOnTheBackgroundBias() {
        assertTrue(
                adversarial.accuracy() < natural.accuracy() - 0.05,
                "natural " + natural + ", adversarial " + adversarial);
    }
}
