package dev.licnn.engine.model;

import ai.djl.ndarray.types.Shape;

/**
 * One feature ReLU of a network, as the layer walk of its {@link Architecture} finds it: its
 * position in execution order, its name (the one clients select), its torchvision module path, and
 * the shape of its output for a given input size.
 *
 * @param index 0-based position among the feature ReLUs, in execution order
 * @param name the name clients select it by ({@code relu1_1}, {@code layer1.0.relu1}, ...)
 * @param modulePath the torchvision module that computes it ({@code features.1}, {@code
 *     layer1.0.relu}, ...)
 */
public record FeatureLayer(
        int index, String name, String modulePath, int channels, int height, int width) {

    /** (channels, height, width) of the ReLU's output. */
    public Shape shape() {
        return new Shape(channels, height, width);
    }
}
