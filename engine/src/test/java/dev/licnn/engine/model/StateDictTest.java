package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictTest {

    static final Path TINY = Path.of("src/test/resources/tiny");

    @TempDir Path dir;
    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void torchScriptParametersEqualStateDict() throws IOException {
        try (StateDict ts = StateDict.fromTorchScript(TINY.resolve("tiny_vgg.pt"), manager);
                StateDict st =
                        StateDict.fromSafeTensors(TINY.resolve("tiny_vgg.safetensors"), manager)) {
            assertEquals(
                    List.of(
                            "features.0.weight",
                            "features.0.bias",
                            "features.2.weight",
                            "features.2.bias",
                            "classifier.0.weight",
                            "classifier.0.bias",
                            "classifier.3.weight",
                            "classifier.3.bias",
                            "classifier.6.weight",
                            "classifier.6.bias"),
                    List.copyOf(st.names()));
            assertEquals(st.shapes(), ts.shapes());
            for (String name : st.names()) {
                assertArrayEquals(
                        st.get(name).toFloatArray(), ts.get(name).toFloatArray(), 0f, name);
            }
            assertEquals(ts.getManager().getParentManager(), manager);
        }
    }

    @Test
    void torchScriptRejectsNonModule() {
        IOException ex =
                assertThrows(
                        IOException.class,
                        () ->
                                StateDict.fromTorchScript(
                                        TINY.resolve("tiny_vgg.safetensors"), manager));
        assertTrue(ex.getMessage().contains("tiny_vgg.safetensors"), ex.getMessage());
        assertThrows(
                IOException.class,
                () -> StateDict.fromTorchScript(dir.resolve("absent.pt"), manager));
    }

    @Test
    void timmNamesConvertToTorchvision() throws IOException {
        // torchvision layout with a 7x7 pre-pool output: classifier.0 is [8, 2*7*7].
        Map<String, NDArray> tv = new LinkedHashMap<>();
        tv.put("features.0.weight", manager.randomNormal(new Shape(2, 3, 3, 3)));
        tv.put("features.0.bias", manager.randomNormal(new Shape(2)));
        tv.put("classifier.0.weight", manager.randomNormal(new Shape(8, 2 * 7 * 7)));
        tv.put("classifier.0.bias", manager.randomNormal(new Shape(8)));
        tv.put("classifier.3.weight", manager.randomNormal(new Shape(6, 8)));
        tv.put("classifier.3.bias", manager.randomNormal(new Shape(6)));
        tv.put("classifier.6.weight", manager.randomNormal(new Shape(5, 6)));
        tv.put("classifier.6.bias", manager.randomNormal(new Shape(5)));
        Map<String, NDArray> timm = new LinkedHashMap<>();
        timm.put("features.0.weight", tv.get("features.0.weight"));
        timm.put("features.0.bias", tv.get("features.0.bias"));
        timm.put("pre_logits.fc1.weight", tv.get("classifier.0.weight").reshape(8, 2, 7, 7));
        timm.put("pre_logits.fc1.bias", tv.get("classifier.0.bias"));
        timm.put("pre_logits.fc2.weight", tv.get("classifier.3.weight").reshape(6, 8, 1, 1));
        timm.put("pre_logits.fc2.bias", tv.get("classifier.3.bias"));
        timm.put("head.fc.weight", tv.get("classifier.6.weight"));
        timm.put("head.fc.bias", tv.get("classifier.6.bias"));
        Path tvFile = dir.resolve("tv.safetensors");
        Path timmFile = dir.resolve("timm.safetensors");
        SafeTensors.write(tvFile, tv, Map.of());
        SafeTensors.write(timmFile, timm, Map.of());

        try (StateDict a = StateDict.fromSafeTensors(tvFile, manager);
                StateDict b = StateDict.fromSafeTensors(timmFile, manager)) {
            assertEquals(a.shapes(), b.shapes());
            assertEquals(List.copyOf(a.names()), List.copyOf(b.names()));
            for (String name : a.names()) {
                assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), 0f, name);
            }
        }
    }

    @Test
    void wrapperPrefixIsStripped() throws IOException {
        Path file = dir.resolve("p.safetensors");
        Map<String, NDArray> t = new LinkedHashMap<>();
        t.put("module.features.0.bias", manager.ones(new Shape(2)));
        t.put("model.classifier.6.bias", manager.zeros(new Shape(3)));
        SafeTensors.write(file, t, Map.of());
        try (StateDict d = StateDict.fromSafeTensors(file, manager)) {
            assertEquals(List.of("features.0.bias", "classifier.6.bias"), List.copyOf(d.names()));
        }
    }

    @Test
    void roundTripThroughSafeTensors() throws IOException {
        Path out = dir.resolve("copy.safetensors");
        try (StateDict d =
                StateDict.fromSafeTensors(TINY.resolve("tiny_vgg.safetensors"), manager)) {
            d.toSafeTensors(out);
            try (StateDict e = StateDict.fromSafeTensors(out, manager)) {
                assertEquals(d.shapes(), e.shapes());
                for (String name : d.names()) {
                    assertArrayEquals(
                            d.get(name).toFloatArray(), e.get(name).toFloatArray(), 0f, name);
                }
            }
        }
    }

    @Test
    void validateListsEveryProblemWithBothShapes() throws IOException {
        try (StateDict d =
                StateDict.fromSafeTensors(TINY.resolve("tiny_vgg.safetensors"), manager)) {
            LinkedHashMap<String, Shape> expected = d.shapes();
            d.validate(expected); // matches itself

            expected.remove("classifier.6.bias"); // extra in the file
            expected.put("features.5.weight", new Shape(8, 4, 3, 3)); // missing from the file
            expected.put("classifier.0.weight", new Shape(8, 196)); // misshapen
            expected.put("classifier.6.weight", new Shape(1000, 8)); // misshapen
            WeightMismatchException ex =
                    assertThrows(WeightMismatchException.class, () -> d.validate(expected));
            assertEquals(4, ex.problems().size(), ex.getMessage());
            String msg = ex.getMessage();
            assertTrue(
                    msg.contains("missing 'features.5.weight': expected shape (8, 4, 3, 3)"), msg);
            assertTrue(msg.contains("unexpected 'classifier.6.bias': found shape (5)"), msg);
            assertTrue(
                    msg.contains(
                            "misshapen 'classifier.0.weight': expected shape (8, 196), found (8, 16)"),
                    msg);
            assertTrue(
                    msg.contains("'classifier.6.weight': expected shape (1000, 8), found (5, 8)"),
                    msg);
            assertTrue(ex instanceof IllegalArgumentException);
        }
    }

    @Test
    void closeReleasesArraysAndGetNamesUnknown() throws IOException {
        StateDict d = StateDict.fromSafeTensors(TINY.resolve("tiny_vgg.safetensors"), manager);
        NDArray w = d.get("features.0.weight");
        IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> d.get("nope"));
        assertTrue(ex.getMessage().contains("nope"));
        d.close();
        assertFalse(d.getManager().isOpen());
        assertTrue(w.isReleased());
        assertTrue(manager.isOpen());
    }
}
