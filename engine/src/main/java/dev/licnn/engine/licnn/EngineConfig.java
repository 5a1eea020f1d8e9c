package dev.licnn.engine.licnn;

import ai.djl.Device;
import java.util.Locale;

/**
 * How a {@link LicnnEngine} computes: where lateral inhibition runs, and whether the k inhibited
 * forward passes of a call run as one batch.
 *
 * <p>{@link #forDevice(Device)} picks the faster setting for a device, as measured by {@code licnn
 * bench-engine --compare} (README, "Measured performance").
 *
 * <pre>{@code
 * LicnnEngine e = new LicnnEngine(net, EngineConfig.parse("tensor,batch"));
 * }</pre>
 *
 * @param inhibition where the lateral-inhibition gates are computed
 * @param batchClasses true: all k backward passes first, then the gates of every class of every
 *     image at once and one inhibited forward pass of k x n images (events still reach each
 *     listener class by class, after the batch); false: backward, gates and inhibited pass rank by
 *     rank, so each class's events leave as soon as that class is done
 */
public record EngineConfig(Inhibition inhibition, boolean batchClasses) {

    /** Where the gates are computed. */
    public enum Inhibition {
        /** Max-C maps copied to the host, gated by {@link LateralInhibition} in Java. */
        JAVA,
        /**
         * Gated by {@link TensorInhibition} on the network's device; no host copy unless a map is
         * streamed.
         */
        TENSOR
    }

    public EngineConfig {
        if (inhibition == null) {
            throw new IllegalArgumentException("inhibition must be set");
        }
    }

    /**
     * The faster setting for {@code device}: on a GPU, tensors and batched passes (a few large
     * kernels instead of a host round trip per map); on a CPU, the Java gates and batched passes
     * (the vectorised Java loop reads each map once per window offset, the tensor path writes a K x
     * (k*k-1) x H x W stack; measured by {@code bench-engine --compare}, README).
     */
    public static EngineConfig forDevice(Device device) {
        return device.isGpu()
                ? new EngineConfig(Inhibition.TENSOR, true)
                : new EngineConfig(Inhibition.JAVA, true);
    }

    /**
     * Parses {@code java|tensor[,batch|,per-class]} (default per-class), or {@code auto} for {@code
     * forDevice(device)}.
     *
     * @throws IllegalArgumentException naming the unknown part
     */
    public static EngineConfig parse(String text, Device device) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return forDevice(device);
        }
        Inhibition inh = null;
        boolean batch = false;
        for (String part : t.split(",")) {
            switch (part.trim()) {
                case "java" -> inh = Inhibition.JAVA;
                case "tensor" -> inh = Inhibition.TENSOR;
                case "batch" -> batch = true;
                case "per-class" -> batch = false;
                default ->
                        throw new IllegalArgumentException(
                                "unknown engine setting '"
                                        + part
                                        + "' (expected auto, or java|tensor with batch|per-class)");
            }
        }
        if (inh == null) {
            throw new IllegalArgumentException(
                    "engine setting '" + text + "' names no inhibition path (java or tensor)");
        }
        return new EngineConfig(inh, batch);
    }

    @Override
    public String toString() {
        return inhibition.name().toLowerCase(Locale.ROOT)
                + (batchClasses ? ",batch" : ",per-class");
    }
}
