package dev.licnn.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * A network of some {@link Architecture} evaluated with functional DJL operators on weights held as
 * plain native arrays: the feature stack with a hook at every feature ReLU, and the classifier on
 * the pooled features. The engines see networks only through this interface.
 *
 * <pre>{@code
 * try (FeatureNetwork net = VggNetwork.create(spec, stateDict, Device.cpu())) {
 *     NDArray pooled = net.features(input, (layer, relu) -> relu);
 *     NDArray logits = net.classifier(pooled);
 * }
 * }</pre>
 */
public interface FeatureNetwork extends AutoCloseable {

    /** Sees, and may replace, the output of each feature ReLU during a forward pass. */
    @FunctionalInterface
    interface ReluHook {
        /**
         * Called with the output of feature ReLU {@code layer} (0-based, execution order). The
         * array returned is what the network carries on with, on every path that reads that output.
         *
         * @return the array the pass continues with: {@code relu} itself or a new array (the caller
         *     closes {@code relu} when a different array is returned)
         */
        NDArray apply(int layer, NDArray relu);
    }

    Architecture architecture();

    /** The device of {@link #manager()}. */
    default Device device() {
        return manager().getDevice();
    }

    /** The manager that owns the weights; per-call managers should be its sub-managers. */
    NDManager manager();

    /**
     * Runs the feature stack up to and including the final pooling. Intermediate arrays are closed
     * as soon as they are dead; {@code input} is not closed.
     *
     * @param hook sees each feature ReLU output; may be null
     * @return the pooled features, the classifier's input
     */
    NDArray features(NDArray input, ReluHook hook);

    /** The classifier on the pooled features; {@code pooled} is not closed. */
    NDArray classifier(NDArray pooled);

    /** Logits of a forward pass; {@code input} is not closed. */
    default NDArray logits(NDArray input, ReluHook hook) {
        NDArray pooled = features(input, hook);
        try {
            return classifier(pooled);
        } finally {
            pooled.close();
        }
    }

    /**
     * A float32 copy of {@code src} on {@code target}'s device, owned by {@code target}; the caller
     * keeps {@code src}.
     */
    static NDArray copyParameter(NDArray src, NDManager target) {
        NDArray a = src.toType(DataType.FLOAT32, true).toDevice(target.getDevice(), true);
        if (a == src) {
            a = src.duplicate();
        }
        a.attach(target);
        return a;
    }

    /** Frees the network's arrays. */
    @Override
    void close();
}
