package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.licnn.engine.EveryFixtureSet;
import dev.licnn.engine.GoldenFixtures;
import dev.licnn.engine.GoldenModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VGG specs and the functional network against the reference's numbers. */
class VggModelTest {

    static final int[] NARROW = GoldenModel.NARROW_LAYERS;
    static final VggSpec SPEC = GoldenModel.SPEC;

    static Path golden(String f) {
        return GoldenModel.file(f);
    }

    @Test
    void torchvisionShapes_ofTheFourArchitectures() {
        long params16 =
                VggSpec.vgg16(false).parameterShapes().values().stream()
                        .mapToLong(Shape::size)
                        .sum();
        assertEquals(138_357_544L, params16);
        assertEquals(
                132_863_336L,
                VggSpec.vgg11(false).parameterShapes().values().stream()
                        .mapToLong(Shape::size)
                        .sum());
        assertEquals(
                143_667_240L,
                VggSpec.vgg19(false).parameterShapes().values().stream()
                        .mapToLong(Shape::size)
                        .sum());
        LinkedHashMap<String, Shape> bn = VggSpec.vgg16(true).parameterShapes();
        assertEquals(new Shape(64), bn.get("features.1.running_var"));
        assertEquals(new Shape(4096, 25088), bn.get("classifier.0.weight"));
        assertTrue(bn.containsKey("features.41.weight"));
        assertEquals(13, VggSpec.vgg16(true).featureReluCount());
        assertEquals(
                List.of("relu1_1", "relu1_2", "relu2_1"),
                VggSpec.vgg16(false).featureReluNames().subList(0, 3));
        assertEquals(16, VggSpec.byName("vgg19_bn").featureReluCount());
        assertThrows(IllegalArgumentException.class, () -> VggSpec.byName("resnet50"));
        long macs = VggSpec.vgg16(false).forwardMacs();
        assertTrue(
                macs > 15_400_000_000L && macs < 15_600_000_000L,
                "VGG-16 is about 15.5 GMAC, got " + macs);
    }

    private static float[] logits(StateDict w, float[] x) {
        try (VggNetwork net = VggNetwork.create(SPEC, w.asMap(), Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            try (NDArray in = m.create(x, new Shape(1, 3, 224, 224));
                    NDArray out = net.logits(in, null)) {
                return out.toFloatArray();
            }
        }
    }

    @EveryFixtureSet
    void timmAndTorchScriptWeights_giveTheReferenceLogits(GoldenFixtures fx) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict tv = StateDict.fromSafeTensors(golden("weights.safetensors"), m);
                StateDict timm = StateDict.fromSafeTensors(golden("weights-timm.safetensors"), m);
                StateDict ts = StateDict.fromTorchScript(golden("vgg-narrow.pt"), m)) {
            float[] x = fx.model().input(0);
            float[] expected = fx.floats("img0.default.logits");
            assertArrayEquals(expected, logits(tv, x), 1e-5f);
            assertArrayEquals(logits(tv, x), logits(timm, x), 0f);
            assertArrayEquals(logits(tv, x), logits(ts, x), 0f);
        }
    }

    @Test
    void wrongSpec_namesEveryMisfit() throws Exception {
        VggSpec other = VggSpec.custom("other", NARROW, false, 64, 12, 224);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict tv = StateDict.fromSafeTensors(golden("weights.safetensors"), m)) {
            WeightMismatchException e =
                    assertThrows(
                            WeightMismatchException.class,
                            () -> VggNetwork.create(other, tv.asMap(), Device.cpu()));
            assertTrue(e.getMessage().contains("classifier.6.weight"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("(12, 64)") && e.getMessage().contains("(10, 64)"),
                    e.getMessage());
        }
    }

    @Test
    void batchNorm_isFoldedExactly() {
        int[] layers = {4, VggSpec.POOL, 6, VggSpec.POOL};
        VggSpec bn = VggSpec.custom("bn", layers, true, 8, 3, 32);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = StateDict.initTorchvision(bn.parameterShapes(), 3, m)) {
            // Non-trivial statistics.
            w.put("features.1.running_mean", m.create(new float[] {0.1f, -0.2f, 0.3f, 0f}));
            w.put("features.1.running_var", m.create(new float[] {0.5f, 2f, 1f, 0.25f}));
            w.put("features.1.weight", m.create(new float[] {1.5f, 0.5f, -1f, 2f}));
            w.put("features.1.bias", m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}));
            NDArray x = m.randomNormal(new Shape(1, 3, 32, 32));
            float[] folded;
            float[] reference;
            try (VggNetwork net = VggNetwork.create(bn, w.asMap(), Device.cpu())) {
                float[][] holder = new float[1][];
                net.features(
                                x,
                                (l, a) -> {
                                    if (l == 0) {
                                        holder[0] = a.toFloatArray();
                                    }
                                    return a;
                                })
                        .close();
                folded = holder[0];
            }
            NDArray conv =
                    Conv2d.conv2d(
                                    x,
                                    w.get("features.0.weight"),
                                    w.get("features.0.bias"),
                                    new Shape(1, 1),
                                    new Shape(1, 1))
                            .singletonOrThrow();
            NDArray mean = w.get("features.1.running_mean").reshape(1, 4, 1, 1);
            NDArray var = w.get("features.1.running_var").reshape(1, 4, 1, 1);
            NDArray g = w.get("features.1.weight").reshape(1, 4, 1, 1);
            NDArray b = w.get("features.1.bias").reshape(1, 4, 1, 1);
            reference =
                    Activation.relu(conv.sub(mean).div(var.add(1e-5f).sqrt()).mul(g).add(b))
                            .toFloatArray();
            assertArrayEquals(reference, folded, 1e-5f);
        }
    }
}
