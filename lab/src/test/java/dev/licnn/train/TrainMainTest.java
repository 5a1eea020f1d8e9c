package dev.licnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.licnn.dataset.DatasetMain;
import dev.licnn.dataset.ShapeClass;
import dev.licnn.engine.model.ModelCard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line path end to end on a handful of images: generate, train one epoch, load,
 * evaluate.
 */
class TrainMainTest {

    @TempDir Path dir;

    @Test
    void trainMain_writesAModelFolderTheServerCanLoad() throws Exception {
        Path data = dir.resolve("data");
        Path model = dir.resolve("model");
        DatasetMain.main(
                new String[] {
                    "--out",
                    data.toString(),
                    "--seed",
                    "4",
                    "--train",
                    "16",
                    "--natural",
                    "10",
                    "--adversarial",
                    "10",
                    "--threads",
                    "2"
                });
        TrainMain.main(
                new String[] {
                    "--data",
                    data.toString(),
                    "--out",
                    model.toString(),
                    "--epochs",
                    "1",
                    "--seed",
                    "2",
                    "--batch",
                    "8"
                });

        assertTrue(Files.isRegularFile(model.resolve("weights.safetensors")));
        ModelCard card = ModelCard.load(model);
        assertEquals("shapes-vgg16", card.name());
        assertEquals(224, card.preprocess().resizeShorter());
        assertEquals(224, card.preprocess().cropSize());
        assertEquals(ShapeClass.values().length, card.labels().size());
        assertEquals("crescent", card.labels().byId(ShapeClass.CRESCENT.id()).name());
        assertEquals("crescent", card.labels().byId(ShapeClass.CRESCENT.id()).key());
        Map<String, Object> info = card.info();
        assertTrue(
                info.containsKey("natural")
                        && info.containsKey("adversarial")
                        && info.containsKey("history"),
                info.toString());
        assertEquals(16.0, ((Number) info.get("train_images")).doubleValue());
        EvaluateMain.main(
                new String[] {
                    "--model", model.toString(), "--data", data.toString(), "--split", "adversarial"
                });
    }
}
