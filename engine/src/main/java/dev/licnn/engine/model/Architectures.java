package dev.licnn.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The architectures the engine can evaluate, by torchvision name, and the network of each: the one
 * place where a new architecture is registered.
 *
 * <pre>{@code
 * Architecture a = Architectures.byName("resnet18");
 * try (StateDict w = StateDict.initTorchvision(a.parameterShapes(), 7, manager);
 *         FeatureNetwork net = Architectures.createNetwork(a, w.asMap(), Device.cpu())) {
 *     ...
 * }
 * }</pre>
 */
public final class Architectures {

    private Architectures() {}

    /**
     * A standard architecture: {@code vgg11}, {@code vgg13}, {@code vgg16}, {@code vgg19} (each
     * optionally {@code _bn}), {@code resnet18}, {@code resnet34}, {@code resnet50}, {@code
     * resnet101}, {@code resnet152}.
     *
     * @throws IllegalArgumentException naming the unknown architecture and the known ones
     */
    public static Architecture byName(String name) {
        if (ResNetSpec.isResNet(name)) {
            return ResNetSpec.byName(name);
        }
        if (name.startsWith("vgg")) {
            return VggSpec.byName(name);
        }
        throw new IllegalArgumentException(
                "unknown architecture '"
                        + name
                        + "' (expected vgg11|vgg13|vgg16|vgg19, optionally with _bn, or"
                        + " resnet18|resnet34|resnet50|resnet101|resnet152)");
    }

    /**
     * The network of {@code arch} from parameters with torchvision names; the arrays are copied to
     * {@code device}, the caller keeps {@code params}.
     *
     * @throws WeightMismatchException if a parameter is missing, extra or of the wrong shape
     */
    public static FeatureNetwork createNetwork(
            Architecture arch, Map<String, NDArray> params, Device device) {
        if (arch instanceof VggSpec v) {
            return VggNetwork.create(v, params, device);
        }
        if (arch instanceof ResNetSpec r) {
            return ResNetNetwork.create(r, params, device);
        }
        throw new IllegalArgumentException("no network for architecture " + arch.name());
    }
}
