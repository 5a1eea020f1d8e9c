package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder as documented by {@code model.schema.json} and {@code labels.schema.json}: the
 * short forms load, and each kind of mistake is one line that names it.
 */
class ModelFolderTest {

    static final Path PTH = Path.of("src/test/resources/dev/licnn/engine/model/pth");

    @TempDir Path dir;

    private Path folder(String modelJson) throws IOException {
        Files.writeString(dir.resolve("model.json"), modelJson, StandardCharsets.UTF_8);
        if (!Files.exists(dir.resolve("w.pth"))) {
            Files.copy(PTH.resolve("tiny_vgg.pth"), dir.resolve("w.pth"));
        }
        return dir;
    }

    private String refusal(String modelJson) throws IOException {
        Path d = folder(modelJson);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelCard.load(d));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void architectureInOneWord_isTorchvisionsWithItsPreprocessing() throws IOException {
        ModelCard card =
                ModelCard.load(folder("{\"architecture\": \"vgg16\", \"weights\": \"w.pth\"}"));
        assertEquals(VggSpec.vgg16(false), card.spec());
        assertEquals(256, card.preprocess().resizeShorter());
        assertEquals(224, card.preprocess().cropSize());
        assertEquals(1000, card.labels().size());
        assertEquals(dir.getFileName().toString(), card.name());
    }

    @Test
    void standardNameWithClassCount_andAPlainListOfLabels() throws IOException {
        Files.writeString(dir.resolve("labels.json"), "[\"cat\", \"dog\", \"bird\"]");
        ModelCard card =
                ModelCard.load(
                        folder(
                                "{\"name\": \"pets\", \"architecture\": {\"name\": \"vgg11_bn\","
                                        + " \"num_classes\": 3}, \"weights\": \"w.pth\","
                                        + " \"labels\": \"labels.json\"}"));
        assertEquals(3, card.spec().numClasses());
        assertTrue(card.spec().batchNorm());
        assertEquals("dog", card.labels().byId(1).name());
        assertEquals("dog", card.labels().byId(1).key());
    }

    @Test
    void theBundledFormWithEveryField_stillLoads() throws IOException {
        ModelCard card =
                ModelCard.load(
                        folder(
                                "{\"name\": \"n\", \"architecture\": {\"name\": \"x\", \"layers\":"
                                        + " [4, \"M\"], \"batch_norm\": false, \"hidden\": 8,"
                                        + " \"num_classes\": 2, \"input_size\": 64}, \"weights\":"
                                        + " \"w.pth\", \"preprocessing\": {\"resize_shorter\": 64,"
                                        + " \"crop\": 64, \"mean\": [0, 0, 0], \"std\": [1, 1, 1]},"
                                        + " \"info\": {\"seed\": 1}}"));
        assertEquals(64, card.preprocess().resizeShorter());
        assertEquals(8, card.spec().hidden());
    }

    @Test
    void schemaViolations_nameThePlaceAndTheExpectation() throws IOException {
        assertTrue(
                refusal("{\"architecture\": \"resnet18\", \"weights\": \"w.pth\"}")
                        .contains("/architecture: expected one of \"vgg11\""));
        assertTrue(
                refusal(
                                "{\"architecture\": {\"name\": \"vgg16\", \"num_classes\": \"ten\"}, \"weights\": \"w.pth\"}")
                        .contains("/architecture/num_classes: expected an integer, found \"ten\""));
        assertTrue(
                refusal(
                                "{\"architecture\": {\"name\": \"x\", \"layers\": [4, \"pool\"]}, \"weights\": \"w.pth\"}")
                        .contains("/architecture/layers/1: expected an integer or \"M\""));
        assertTrue(
                refusal("{\"architecture\": \"vgg16\", \"weights\": \"w.pth\", \"wieghts\": 1}")
                        .contains("unknown key \"wieghts\""));
        assertTrue(refusal("{\"architecture\": \"vgg16\"}").contains("missing \"weights\""));
        assertTrue(
                refusal("{\"architecture\": {\"name\": \"vgg17\"}, \"weights\": \"w.pth\"}")
                        .contains("unknown architecture 'vgg17' (known: vgg11, vgg11_bn"));
        assertTrue(refusal("{\"architecture\": ").contains("not JSON"));
    }

    @Test
    void missingFilesAndLabelCounts_areNamed() throws IOException {
        assertTrue(
                refusal("{\"architecture\": \"vgg16\", \"weights\": \"none.pth\"}")
                        .contains("the weights file none.pth is missing"));
        Files.writeString(dir.resolve("labels.json"), "[\"cat\", \"dog\"]");
        assertTrue(
                refusal(
                                "{\"architecture\": \"vgg16\", \"weights\": \"w.pth\", \"labels\": \"labels.json\"}")
                        .contains("the architecture has 1000 classes but the labels file has 2"));
        Files.writeString(dir.resolve("labels.json"), "[\"cat\", {\"id\": 1, \"key\": \"d\"}]");
        assertTrue(
                refusal(
                                "{\"architecture\": \"vgg16\", \"weights\": \"w.pth\", \"labels\": \"labels.json\"}")
                        .contains("labels.json: /1: missing \"name\""));
        Files.writeString(dir.resolve("labels.json"), "[\"cat\", \"cat\"]");
        assertTrue(
                refusal(
                                "{\"architecture\": {\"name\": \"vgg16\", \"num_classes\": 2}, \"weights\": \"w.pth\", \"labels\": \"labels.json\"}")
                        .contains("duplicate label key 'cat'"));
    }

    @Test
    void aWeightsFileWhereAFolderIsExpected_pointsToImport() {
        ModelFormatException e =
                assertThrows(
                        ModelFormatException.class,
                        () -> ModelCard.load(PTH.resolve("tiny_vgg.pth")));
        assertTrue(e.getMessage().contains("is a PyTorch pickle (state dict), not a model folder"));
        assertTrue(e.getMessage().contains("use `licnn import "), e.getMessage());
        assertTrue(
                assertThrows(ModelFormatException.class, () -> ModelCard.load(dir.resolve("nope")))
                        .getMessage()
                        .startsWith("no such model folder"));
        assertTrue(
                assertThrows(ModelFormatException.class, () -> ModelCard.load(dir))
                        .getMessage()
                        .startsWith("no model.json in"));
    }

    @Test
    void weightsOfAnotherShape_sayWhatTheyAreInOneLine() throws IOException {
        ModelCard card =
                ModelCard.load(folder("{\"architecture\": \"vgg11\", \"weights\": \"w.pth\"}"));
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> card.createNetwork(Device.cpu()));
        assertTrue(
                e.getMessage()
                        .contains("the weights do not fit vgg11: misshapen 'features.0.weight'"),
                e.getMessage());
        assertTrue(e.getMessage().matches(".*, and \\d+ more.*"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void hints_tellResnetAndOtherVggDepths() {
        LinkedHashMap<String, Shape> resnet = new LinkedHashMap<>();
        resnet.put("conv1.weight", new Shape(64, 3, 7, 7));
        resnet.put("fc.weight", new Shape(1000, 512));
        assertEquals(
                "resnet weights: this model folder says vgg16",
                WeightHints.guess(resnet, VggSpec.vgg16(false)));
        assertEquals(
                "vgg11 weights: this model folder says vgg16",
                WeightHints.guess(VggSpec.vgg11(false).parameterShapes(), VggSpec.vgg16(false)));
        assertEquals(
                "vgg16_bn weights: this model folder says vgg16",
                WeightHints.guess(VggSpec.vgg16(true).parameterShapes(), VggSpec.vgg16(false)));
        assertEquals(
                "10 classes in the weights: this model folder says 1000 (set architecture.num_classes)",
                WeightHints.guess(
                        VggSpec.vgg16(false).scaled(1, 4096, 10).parameterShapes(),
                        VggSpec.vgg16(false)));
        // TorchScript gives a _bn model's parameters without its running statistics.
        LinkedHashMap<String, Shape> noStats = VggSpec.vgg16(true).parameterShapes();
        noStats.keySet().removeIf(n -> n.endsWith("running_mean") || n.endsWith("running_var"));
        assertTrue(
                WeightHints.guess(noStats, VggSpec.vgg16(true))
                        .startsWith("batch-norm running statistics are missing"));
    }
}
