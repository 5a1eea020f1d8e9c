package dev.licnn.engine.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a network that LICNN explains: its feature ReLUs in execution order (the layer
 * walk), its parameters under torchvision's state-dict names, its classes and input size. This is
 * where an architecture plugs in: {@link VggSpec} implements it, and a {@link FeatureNetwork}
 * evaluates it.
 *
 * <pre>{@code
 * Architecture a = VggSpec.vgg16(false);
 * for (FeatureLayer l : a.featureLayers(224, 224)) {
 *     System.out.println(l.name() + " " + l.modulePath() + " " + l.shape());
 * }
 * }</pre>
 */
public interface Architecture {

    /** The architecture's name ({@code vgg16}, {@code vgg16_bn}, ...). */
    String name();

    /** Whether the network has batch norm (folded into the convolutions at load time). */
    boolean batchNorm();

    int numClasses();

    /** The input side the network was built for. */
    int inputSize();

    /** The feature ReLUs in execution order, with their output shapes for an input of h x w. */
    List<FeatureLayer> featureLayers(int h, int w);

    /**
     * Parameter names and shapes in torchvision's state-dict order (batch-norm running statistics
     * included, {@code num_batches_tracked} not).
     */
    LinkedHashMap<String, Shape> parameterShapes();

    /** Multiply-accumulates of one forward pass at {@link #inputSize()}. */
    long forwardMacs();

    /** A JSON-friendly description (model cards, safetensors metadata). */
    Map<String, Object> describe();

    /** Number of feature ReLUs. */
    default int featureReluCount() {
        return featureLayers(inputSize(), inputSize()).size();
    }

    /** Names of the feature ReLUs in execution order. */
    default List<String> featureReluNames() {
        return featureLayers(inputSize(), inputSize()).stream().map(FeatureLayer::name).toList();
    }

    /** torchvision module paths of the feature ReLUs in execution order. */
    default List<String> featureReluModulePaths() {
        return featureLayers(inputSize(), inputSize()).stream()
                .map(FeatureLayer::modulePath)
                .toList();
    }

    /** Shape (channels, height, width) of every feature ReLU's output for an input of h x w. */
    default List<Shape> featureReluShapes(int h, int w) {
        return featureLayers(h, w).stream().map(FeatureLayer::shape).toList();
    }
}
