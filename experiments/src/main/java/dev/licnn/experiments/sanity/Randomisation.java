package dev.licnn.experiments.sanity;

import dev.licnn.proto.v1.FeatureLayer;
import dev.licnn.proto.v1.ModelDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The model parameter randomisation test's layers (Adebayo et al. 2018): torchvision module paths
 * from the top of the network down, the classifier's linear layers ({@code classifier.6}, {@code
 * classifier.3}, {@code classifier.0}) then the convolutions in reverse ({@code features.28} ...
 * {@code features.0} for VGG-16), read off the model description: the convolution before feature
 * ReLU {@code features.k} is {@code features.(k-1)}, or {@code features.(k-2)} with batch norm.
 *
 * <p>Cascading step {@code i} re-initialises the first {@code i + 1} of those layers; independent
 * step {@code i} only layer {@code i}. Variants are served under the model name {@code
 * BASE?reinit=MODULE,...&seed=N}.
 */
public final class Randomisation {

    /**
     * A layer that can be re-initialised: its module path and a short name ({@code fc8}, {@code
     * conv5_3}).
     */
    public record Layer(String module, String name) {}

    /** How layers are re-initialised. */
    public enum Mode {
        /** From the top, one more layer each step. */
        CASCADING,
        /** One layer at a time. */
        INDEPENDENT;

        /** Lower-case name, as in files and options. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Randomisation() {}

    /** The layers from the output down to the first convolution. */
    public static List<Layer> layers(ModelDescription d) {
        List<Layer> out = new ArrayList<>();
        out.add(new Layer("classifier.6", "fc8"));
        out.add(new Layer("classifier.3", "fc7"));
        out.add(new Layer("classifier.0", "fc6"));
        List<FeatureLayer> fl = d.getFeatureLayersList();
        for (int i = fl.size() - 1; i >= 0; i--) {
            String path = fl.get(i).getModulePath();
            int k = Integer.parseInt(path.substring(path.lastIndexOf('.') + 1));
            String conv =
                    path.substring(0, path.lastIndexOf('.') + 1) + (k - (d.getBatchNorm() ? 2 : 1));
            out.add(new Layer(conv, fl.get(i).getName().replace("relu", "conv")));
        }
        return out;
    }

    /** The modules re-initialised at {@code step} (0-based) in {@code mode}. */
    public static List<String> modules(List<Layer> layers, Mode mode, int step) {
        if (mode == Mode.INDEPENDENT) {
            return List.of(layers.get(step).module());
        }
        return layers.subList(0, step + 1).stream().map(Layer::module).toList();
    }

    /** The served name of the variant of {@code base} with {@code modules} re-initialised. */
    public static String variantName(String base, List<String> modules, long seed) {
        return base + "?reinit=" + String.join(",", modules) + "&seed=" + seed;
    }
}
