package dev.licnn.experiments.sanity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.licnn.proto.v1.FeatureLayer;
import dev.licnn.proto.v1.ModelDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer order of the randomisation test, read off a model description. */
class RandomisationTest {

    static ModelDescription vgg16(boolean bn) {
        ModelDescription.Builder d =
                ModelDescription.newBuilder().setName("vgg16").setBatchNorm(bn);
        int[] relus =
                bn
                        ? new int[] {2, 5, 9, 12, 16, 19, 22, 26, 29, 32, 36, 39, 42}
                        : new int[] {1, 3, 6, 8, 11, 13, 15, 18, 20, 22, 25, 27, 29};
        String[] names = {
            "relu1_1", "relu1_2", "relu2_1", "relu2_2", "relu3_1", "relu3_2", "relu3_3", "relu4_1",
            "relu4_2", "relu4_3", "relu5_1", "relu5_2", "relu5_3"
        };
        for (int i = 0; i < relus.length; i++) {
            d.addFeatureLayers(
                    FeatureLayer.newBuilder()
                            .setIndex(i)
                            .setName(names[i])
                            .setModulePath("features." + relus[i]));
        }
        return d.build();
    }

    @Test
    void layers_areLinearsThenConvsFromTheTop() {
        List<Randomisation.Layer> l = Randomisation.layers(vgg16(false));
        assertEquals(16, l.size());
        assertEquals(
                List.of(
                        "classifier.6",
                        "classifier.3",
                        "classifier.0",
                        "features.28",
                        "features.26",
                        "features.24",
                        "features.21",
                        "features.19",
                        "features.17",
                        "features.14",
                        "features.12",
                        "features.10",
                        "features.7",
                        "features.5",
                        "features.2",
                        "features.0"),
                l.stream().map(Randomisation.Layer::module).toList());
        assertEquals("fc8", l.get(0).name());
        assertEquals("conv5_3", l.get(3).name());
        assertEquals("conv1_1", l.get(15).name());
        assertEquals(
                "features.40",
                Randomisation.layers(vgg16(true)).get(3).module(),
                "batch norm sits between conv and ReLU");
    }

    @Test
    void modes_cascadeOrIsolate() {
        List<Randomisation.Layer> l = Randomisation.layers(vgg16(false));
        assertEquals(
                List.of("classifier.6", "classifier.3", "classifier.0", "features.28"),
                Randomisation.modules(l, Randomisation.Mode.CASCADING, 3));
        assertEquals(
                List.of("features.28"),
                Randomisation.modules(l, Randomisation.Mode.INDEPENDENT, 3));
        assertEquals(
                "vgg16?reinit=classifier.6,classifier.3&seed=7",
                Randomisation.variantName(
                        "vgg16", Randomisation.modules(l, Randomisation.Mode.CASCADING, 1), 7));
    }
}
