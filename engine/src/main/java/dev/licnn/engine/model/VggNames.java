package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Name normalisation towards torchvision's VGG layout ({@code features.*}, {@code classifier.*}).
 */
final class VggNames {

    private static final String[] ROOTS = {"features.", "classifier."};

    private VggNames() {}

    /**
     * Strips a wrapper prefix such as {@code module.} or {@code model.} before {@code features.} or
     * {@code classifier.}; names without either root are returned unchanged.
     */
    static String stripPrefix(String name) {
        for (String root : ROOTS) {
            if (name.startsWith(root)) {
                return name;
            }
        }
        int best = -1;
        for (String root : ROOTS) {
            int i = name.indexOf("." + root);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best < 0 ? name : name.substring(best + 1);
    }

    /**
     * @return true if the names look like timm's VGG (pre_logits.fc1/fc2 convolutions, head.fc)
     */
    static boolean isTimmVgg(Map<String, ?> tensors) {
        return tensors.containsKey("pre_logits.fc1.weight")
                && tensors.containsKey("head.fc.weight");
    }

    /**
     * Converts timm VGG names to torchvision ones, consuming {@code in}: fc1/fc2 convolution
     * kernels become 2-D linear weights (reshaped views in the same manager; the 4-D handles are
     * closed).
     */
    static LinkedHashMap<String, NDArray> timmToTorchvision(Map<String, NDArray> in) {
        LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : in.entrySet()) {
            String name = e.getKey();
            NDArray array = e.getValue();
            String target;
            if (name.startsWith("pre_logits.fc1.")) {
                target = "classifier.0." + name.substring("pre_logits.fc1.".length());
            } else if (name.startsWith("pre_logits.fc2.")) {
                target = "classifier.3." + name.substring("pre_logits.fc2.".length());
            } else if (name.startsWith("head.fc.")) {
                target = "classifier.6." + name.substring("head.fc.".length());
            } else {
                target = stripPrefix(name);
            }
            Shape shape = array.getShape();
            if (target.startsWith("classifier.")
                    && target.endsWith(".weight")
                    && shape.dimension() == 4) {
                NDArray flat = array.reshape(shape.get(0), shape.size() / shape.get(0));
                array.close(); // the reshaped view keeps the storage alive
                array = flat;
            }
            if (out.put(target, array) != null) {
                throw new IllegalArgumentException("two tensors map to '" + target + "'");
            }
        }
        return out;
    }
}
