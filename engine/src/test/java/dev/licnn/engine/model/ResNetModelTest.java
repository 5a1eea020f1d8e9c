package dev.licnn.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.ResNetFixture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * torchvision ResNets: the layer walk (feature ReLU calls, names, resolutions, parameters), and the
 * functional network against torchvision's own forward pass, plain and with every feature ReLU but
 * the last masked (fixture {@code resnet/forward.safetensors}, {@code make_resnet_forward.py}).
 */
class ResNetModelTest {

    static final ResNetSpec R18 = ResNetFixture.R18;

    static final ResNetSpec R50 = ResNetFixture.R50;

    static long parameters(Architecture a) {
        return a.parameterShapes().entrySet().stream()
                .filter(e -> !e.getKey().contains("running_"))
                .mapToLong(e -> e.getValue().size())
                .sum();
    }

    @Test
    void torchvisionParameterCounts_ofTheFiveResNets() {
        assertEquals(11_689_512L, parameters(ResNetSpec.resnet18()));
        assertEquals(21_797_672L, parameters(ResNetSpec.resnet34()));
        assertEquals(25_557_032L, parameters(ResNetSpec.resnet50()));
        assertEquals(44_549_160L, parameters(ResNetSpec.resnet101()));
        assertEquals(60_192_808L, parameters(ResNetSpec.resnet152()));
        Map<String, Shape> p = ResNetSpec.resnet50().parameterShapes();
        assertEquals(new Shape(256, 64, 1, 1), p.get("layer1.0.downsample.0.weight"));
        assertEquals(new Shape(128, 128, 3, 3), p.get("layer2.0.conv2.weight"));
        assertEquals(new Shape(1000, 2048), p.get("fc.weight"));
        assertTrue(
                !ResNetSpec.resnet18()
                        .parameterShapes()
                        .containsKey("layer1.0.downsample.0.weight"));
        long macs18 = ResNetSpec.resnet18().forwardMacs();
        long macs50 = ResNetSpec.resnet50().forwardMacs();
        assertTrue(macs18 > 1.80e9 && macs18 < 1.83e9, "resnet18 MACs " + macs18);
        assertTrue(macs50 > 4.08e9 && macs50 < 4.13e9, "resnet50 MACs " + macs50);
        assertThrows(IllegalArgumentException.class, () -> ResNetSpec.byName("vgg16"));
    }

    @Test
    void featureRelus_areEveryCallBeforeThePool_withTheirResolutions() {
        List<FeatureLayer> r18 = ResNetSpec.resnet18().featureLayers(224, 224);
        assertEquals(17, r18.size());
        assertEquals(17, ResNetSpec.resnet18().featureReluCount());
        assertEquals(
                List.of("relu", "layer1.0.relu1", "layer1.0.relu_out", "layer1.1.relu1"),
                r18.stream().map(FeatureLayer::name).toList().subList(0, 4));
        assertEquals("layer4.1.relu_out", r18.get(16).name());
        assertEquals("layer1.0.relu", r18.get(1).modulePath());
        assertEquals(new Shape(64, 112, 112), r18.get(0).shape());
        assertEquals(new Shape(64, 56, 56), r18.get(1).shape());
        assertEquals(new Shape(128, 28, 28), r18.get(5).shape());
        assertEquals(new Shape(512, 7, 7), r18.get(16).shape());

        List<FeatureLayer> r50 = ResNetSpec.resnet50().featureLayers(224, 224);
        assertEquals(49, r50.size());
        assertEquals(49, ResNetSpec.resnet50().featureReluCount());
        assertEquals(33, ResNetSpec.resnet34().featureReluCount());
        assertEquals(100, ResNetSpec.resnet101().featureReluCount());
        assertEquals(151, ResNetSpec.resnet152().featureReluCount());
        FeatureLayer l2relu1 = r50.get(1 + 3 * 3);
        assertEquals("layer2.0.relu1", l2relu1.name());
        // The 1x1 conv of a Bottleneck has stride 1: its ReLU is still at the previous resolution.
        assertEquals(new Shape(128, 56, 56), l2relu1.shape());
        assertEquals(new Shape(128, 28, 28), r50.get(1 + 3 * 3 + 1).shape());
        assertEquals(new Shape(2048, 7, 7), r50.get(48).shape());
        assertEquals("layer4.2.relu_out", r50.get(48).name());
        // 112 x 112: 56, 28, 14, 7, then 7 -> 4 (stride 2, pad 1 on an odd size).
        List<FeatureLayer> small = ResNetSpec.resnet18().featureLayers(112, 112);
        assertEquals(56, small.get(0).height());
        assertEquals(4, small.get(16).height());
        assertEquals(4, small.get(16).width());
    }

    @Test
    void randomResNet_fromTorchvisionInit_runsThroughTheRegistry() {
        Architecture a = Architectures.byName("resnet18");
        assertEquals(ResNetSpec.resnet18(), a);
        assertEquals(VggSpec.vgg16(true), Architectures.byName("vgg16_bn"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> Architectures.byName("resnet19"));
        assertTrue(e.getMessage().contains("resnet18|resnet34"), e.getMessage());
        ResNetSpec small = ResNetSpec.resnet50().scaled(32, 7).withInputSize(64);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = StateDict.initTorchvision(small.parameterShapes(), 11, m);
                FeatureNetwork net = Architectures.createNetwork(small, w.asMap(), Device.cpu());
                NDManager call = net.manager().newSubManager()) {
            NDArray x = call.randomNormal(new Shape(2, 3, 64, 64));
            int[] calls = {0};
            NDArray logits =
                    net.logits(
                            x,
                            (l, relu) -> {
                                assertEquals(calls[0]++, l);
                                return relu;
                            });
            logits.attach(call);
            assertEquals(new Shape(2, 7), logits.getShape());
            assertEquals(49, calls[0]);
            for (float v : logits.toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
        }
        // A missing parameter is named.
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                StateDict w = StateDict.initTorchvision(R18.parameterShapes(), 1, m)) {
            Map<String, NDArray> params = new HashMap<>(w.asMap());
            params.remove("layer2.0.downsample.1.running_var");
            WeightMismatchException ex =
                    assertThrows(
                            WeightMismatchException.class,
                            () -> ResNetNetwork.create(R18, params, Device.cpu()));
            assertTrue(ex.getMessage().contains("layer2.0.downsample.1.running_var"));
        }
    }

    @Test
    void forward_matchesTorchvision_plainAndMasked() throws IOException {
        try (ResNetFixture fx = ResNetFixture.open()) {
            check(fx, "r18", R18);
            check(fx, "r50", R50);
        }
    }

    private static void check(ResNetFixture fx, String net, ResNetSpec spec) {
        StateDict all = fx.tensors();
        int layers = spec.featureReluCount();
        try (ResNetNetwork resnet = fx.network(net);
                NDManager call = resnet.manager().newSubManager()) {
            NDArray x = all.get("input").toDevice(resnet.device(), true);
            x.attach(call);
            List<float[]> sums = new ArrayList<>();
            NDArray logits =
                    resnet.logits(
                            x,
                            (l, a) -> {
                                sums.add(sumC(a));
                                return a;
                            });
            logits.attach(call);
            assertEquals(layers, sums.size(), net + ": feature ReLU calls");
            assertClose(all.get(net + ".logits").toFloatArray(), logits.toFloatArray(), net);
            for (int l = 0; l < layers; l++) {
                assertClose(all.get(net + ".relu." + l).toFloatArray(), sums.get(l), net + " " + l);
            }

            List<float[]> masked = new ArrayList<>();
            NDArray after =
                    resnet.logits(
                            x,
                            (l, a) -> {
                                NDArray out =
                                        l < layers - 1 ? a.mul(all.get(net + ".keep." + l)) : a;
                                masked.add(sumC(out));
                                return out;
                            });
            after.attach(call);
            assertClose(
                    all.get(net + ".masked.logits").toFloatArray(),
                    after.toFloatArray(),
                    net + " masked");
            for (int l = 0; l < layers; l++) {
                assertClose(
                        all.get(net + ".masked.relu." + l).toFloatArray(),
                        masked.get(l),
                        net + " masked " + l);
            }
        }
    }

    private static float[] sumC(NDArray a) {
        try (NDArray s = a.sum(new int[] {1})) {
            return s.toFloatArray();
        }
    }

    /**
     * Within 1e-4 of the largest magnitude: float32 rounding (folded batch norm, another libtorch,
     * another CPU) stays orders of magnitude below that; a wrong layer, stride or skip does not.
     */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-4 * scale + 1e-6, what + ": max diff " + worst + " of " + scale);
    }
}
