package dev.licnn.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.util.List;
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

    /**
     * The VGG names a model folder, {@code --random-model} and {@code licnn import --arch} take in
     * one word, in the order shown to users.
     */
    public static final List<String> NAMES =
            List.of(
                    "vgg11",
                    "vgg11_bn",
                    "vgg13",
                    "vgg13_bn",
                    "vgg16",
                    "vgg16_bn",
                    "vgg19",
                    "vgg19_bn");

    private Architectures() {}

    /**
     * A VGG architecture named in one word, as a model folder and {@code licnn import} take it
     * (1000 classes, 224x224).
     *
     * @param name a name from {@link #NAMES}
     * @throws IllegalArgumentException naming the known architectures; for a ResNet name, saying
     *     that ResNets do not load from a model folder yet
     */
    public static VggSpec vgg(String name) {
        if (ResNetSpec.isResNet(name)) {
            throw new IllegalArgumentException(
                    "unknown architecture '"
                            + name
                            + "' (known: "
                            + String.join(", ", NAMES)
                            + "; ResNets run in the engine but do not load from a model folder"
                            + " yet)");
        }
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown architecture '"
                            + name
                            + "' (known: "
                            + String.join(", ", NAMES)
                            + ")");
        }
        return VggSpec.byName(name);
    }

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
