package dev.licnn.server;

import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.proto.v1.MapEncoding;
import java.util.List;

/**
 * A request's estimated cost, before any image is decoded: compute in forward-pass equivalents (a
 * backward pass counts as one), and the bytes of the maps it streams. Estimates, meant to be
 * compared with {@link RequestLimits}, not to predict time.
 *
 * <ul>
 *   <li>Classify: 1 per image.
 *   <li>LICNN with k targets: 1 + 2k (one forward, then a backward and an inhibited forward per
 *       target; docs/LICNN.md).
 *   <li>Gradient, gradient x input, Grad-CAM: 2k; integrated gradients 2k x steps; SmoothGrad 2k x
 *       samples.
 *   <li>Maps: height x width x bytes per value (float32 4, float16 2, uint8 1) of the saliency map,
 *       one attention map per target, and LICNN's layer maps (kinds x selected layers x targets, at
 *       their layer's size unless an output size is given).
 * </ul>
 */
final class CostModel {

    private CostModel() {}

    /** An estimate, with the words that explain it. */
    record Cost(long forwardPasses, long mapBytes, String how) {}

    /** LICNN's compute for k targets. */
    static Cost licnn(int k) {
        return new Cost(1 + 2L * k, 0, "LICNN, " + k + " class(es)");
    }

    /** A baseline method's compute for k targets. */
    static Cost baseline(dev.licnn.engine.baseline.Method m, BaselineOptions o, int k) {
        switch (m) {
            case INTEGRATED_GRADIENTS:
                return new Cost(
                        2L * k * o.igSteps(),
                        0,
                        "integrated gradients, " + k + " class(es) x " + o.igSteps() + " steps");
            case SMOOTHGRAD:
                return new Cost(
                        2L * k * o.smoothGradSamples(),
                        0,
                        "SmoothGrad, " + k + " class(es) x " + o.smoothGradSamples() + " samples");
            default:
                return new Cost(2L * k, 0, m + ", " + k + " class(es)");
        }
    }

    static Cost classify(int images) {
        return new Cost(images, 0, images + " image(s) x 1");
    }

    static Cost explain(ExplainPlan plan) {
        Cost compute = plan.compute();
        return new Cost(compute.forwardPasses(), mapBytes(plan), compute.how());
    }

    private static long mapBytes(ExplainPlan plan) {
        ExplainPlan.Emission e = plan.emission();
        int side = plan.model().preprocess().cropSize();
        long perValue = bytesPerValue(e.encoding());
        long fixed = e.outH() > 0 ? (long) e.outH() * e.outW() : -1;
        long inputMap = fixed >= 0 ? fixed : (long) side * side;
        int k = plan.classes().count();
        long bytes = 0;
        if (!e.omitSaliency()) {
            bytes += inputMap * perValue;
        }
        if (!e.omitAttention()) {
            bytes += k * inputMap * perValue;
        }
        if (!plan.kinds().isEmpty()) {
            List<Shape> shapes = plan.model().spec().featureReluShapes(side, side);
            long layers = 0;
            for (int i = 0; i < shapes.size(); i++) {
                if (plan.layers() == null || plan.layers().contains(i)) {
                    layers += fixed >= 0 ? fixed : shapes.get(i).get(1) * shapes.get(i).get(2);
                }
            }
            bytes += layers * plan.kinds().size() * k * perValue;
        }
        return bytes;
    }

    private static long bytesPerValue(MapEncoding encoding) {
        switch (encoding) {
            case MAP_ENCODING_FLOAT16:
                return 2;
            case MAP_ENCODING_UINT8:
                return 1;
            default:
                return 4;
        }
    }

    /**
     * Refuses a request whose estimate is over {@code limits}.
     *
     * @throws OverLimitException naming the estimate, how it was reached, and the limit
     */
    static void check(Cost c, RequestLimits limits) {
        if (c.forwardPasses() > limits.maxCost()) {
            throw new OverLimitException(
                    "request's estimated cost is "
                            + c.forwardPasses()
                            + " forward passes ("
                            + c.how()
                            + "), over this server's limit of "
                            + limits.maxCost());
        }
        if (c.mapBytes() > limits.maxMapBytes()) {
            throw new OverLimitException(
                    "request's maps come to an estimated "
                            + c.mapBytes()
                            + " bytes, over this server's limit of "
                            + limits.maxMapBytes()
                            + " bytes per request (ask for fewer layers, kinds or targets, a"
                            + " smaller output_size or a smaller encoding)");
        }
    }
}
