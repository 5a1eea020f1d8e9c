package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TorchvisionInitTest {

    NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static LinkedHashMap<String, Shape> shapes() {
        LinkedHashMap<String, Shape> s = new LinkedHashMap<>();
        s.put("features.0.weight", new Shape(64, 3, 3, 3));
        s.put("features.0.bias", new Shape(64));
        s.put("features.1.weight", new Shape(64));
        s.put("features.1.bias", new Shape(64));
        s.put("features.1.running_mean", new Shape(64));
        s.put("features.1.running_var", new Shape(64));
        s.put("features.1.num_batches_tracked", new Shape());
        s.put("features.3.weight", new Shape(32, 64, 3, 3));
        s.put("features.3.bias", new Shape(32));
        // Over one chunk of ChunkedFill, to cover the chunk boundary.
        s.put("classifier.0.weight", new Shape(600, 2000));
        s.put("classifier.0.bias", new Shape(600));
        return s;
    }

    @Test
    void deterministicForASeed() {
        try (StateDict a = StateDict.initTorchvision(shapes(), 42, manager);
                StateDict b = StateDict.initTorchvision(shapes(), 42, manager);
                StateDict c = StateDict.initTorchvision(shapes(), 43, manager)) {
            assertEquals(shapes(), a.shapes());
            for (String name : a.names()) {
                assertArrayEquals(a.get(name).toByteArray(), b.get(name).toByteArray(), name);
            }
            assertFalse(
                    Arrays.equals(
                            a.get("features.0.weight").toFloatArray(),
                            c.get("features.0.weight").toFloatArray()));
        }
    }

    /**
     * Fixed values guard the generator against accidental changes, on every machine (the stream is
     * pure Java integer arithmetic and StrictMath). They were computed independently of the Java
     * code by {@code engine/src/test/python/torchvision_init_reference.py} (SplitMix64, the polar
     * method and float32 rounding re-implemented in Python), seed 42.
     */
    @Test
    void fixedValues_ofTheGenerator() {
        try (StateDict a = StateDict.initTorchvision(shapes(), 42, manager)) {
            float[] conv = a.get("features.0.weight").toFloatArray();
            assertArrayEquals(
                    new float[] {
                        -0.035554300993680954f,
                        0.0745498314499855f,
                        -0.06646697968244553f,
                        0.07385318726301193f
                    },
                    Arrays.copyOf(conv, 4));
            float[] linear = a.get("classifier.0.weight").toFloatArray();
            int chunk = 1 << 20;
            assertArrayEquals(
                    new float[] {0.004438954405486584f, 0.012515999376773834f},
                    Arrays.copyOf(linear, 2));
            // Both sides of ChunkedFill's chunk boundary: one stream runs on across chunks.
            assertArrayEquals(
                    new float[] {
                        -0.0006060759187676013f, -0.0015991663094609976f, 0.012270762585103512f
                    },
                    Arrays.copyOfRange(linear, chunk - 1, chunk + 2));
        }
    }

    @Test
    void tensorValuesDoNotDependOnOtherTensors() {
        LinkedHashMap<String, Shape> one = new LinkedHashMap<>();
        one.put("features.3.weight", new Shape(32, 64, 3, 3));
        try (StateDict a = StateDict.initTorchvision(shapes(), 7, manager);
                StateDict b = StateDict.initTorchvision(one, 7, manager)) {
            assertArrayEquals(
                    a.get("features.3.weight").toByteArray(),
                    b.get("features.3.weight").toByteArray());
        }
    }

    @Test
    void torchvisionScheme() {
        try (StateDict d = StateDict.initTorchvision(shapes(), 1, manager)) {
            assertStd(d.get("features.0.weight").toFloatArray(), Math.sqrt(2.0 / (64 * 3 * 3)));
            assertStd(d.get("features.3.weight").toFloatArray(), Math.sqrt(2.0 / (32 * 3 * 3)));
            assertStd(d.get("classifier.0.weight").toFloatArray(), 0.01);
            for (String bias :
                    new String[] {
                        "features.0.bias",
                        "features.1.bias",
                        "features.3.bias",
                        "classifier.0.bias",
                        "features.1.running_mean"
                    }) {
                assertEquals(0f, d.get(bias).abs().max().getFloat(), bias);
            }
            assertEquals(1f, d.get("features.1.weight").min().getFloat());
            assertEquals(1f, d.get("features.1.weight").max().getFloat());
            assertEquals(1f, d.get("features.1.running_var").min().getFloat());
            assertEquals(DataType.INT64, d.get("features.1.num_batches_tracked").getDataType());
            assertEquals(DataType.FLOAT32, d.get("classifier.0.weight").getDataType());
        }
    }

    @Test
    void unknownParameterIsRejected() {
        LinkedHashMap<String, Shape> s = new LinkedHashMap<>();
        s.put("features.0.scale", new Shape(3));
        IllegalArgumentException ex =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> StateDict.initTorchvision(s, 1, manager));
        assertTrue(ex.getMessage().contains("features.0.scale"), ex.getMessage());
    }

    private static void assertStd(float[] v, double expected) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        // Standard error of the sample std is about std / sqrt(2n); allow 5 of them (and 2% at
        // least).
        double tol = Math.max(5 * expected / Math.sqrt(2.0 * v.length), 0.02 * expected);
        assertEquals(expected, std, tol, "std over " + v.length + " values");
        assertEquals(0, mean, 5 * expected / Math.sqrt(v.length), "mean");
    }
}
