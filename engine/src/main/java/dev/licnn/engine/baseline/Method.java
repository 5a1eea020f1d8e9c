package dev.licnn.engine.baseline;

/**
 * The baseline attribution methods. {@code S} is the score of one target class (its softmax
 * probability or its raw logit, {@link BaselineOptions#scoreMode()}), {@code x} the normalised
 * input (3 x H x W) and {@code g(z) = dS/dx} at input {@code z}. Every per-class map is then
 * L2-normalised (an all-zero map stays zero), like a LICNN attention map.
 *
 * <pre>{@code
 * BaselineJob job = BaselineJob.builder().setInput(chw, 224, 224).setMethod(Method.GRAD_CAM).build();
 * }</pre>
 */
public enum Method {
    /**
     * Vanilla gradient (Simonyan et al.; Captum {@code Saliency(abs=True)}): {@code max_c
     * |g(x)_c|}.
     */
    GRADIENT,
    /**
     * Gradient times input (Captum {@code InputXGradient}), summed over channels: {@code sum_c
     * g(x)_c * x_c}.
     */
    GRADIENT_X_INPUT,
    /**
     * Integrated gradients (Sundararajan et al.) with the midpoint Riemann sum (Captum {@code
     * method="riemann_middle"}), summed over channels: {@code sum_c (x - x0)_c * (1/m) sum_{i<m}
     * g(x0 + a_i (x - x0))_c} with {@code a_i = (i + 0.5) / m}, {@code m} = {@link
     * BaselineOptions#igSteps()} and {@code x0} = {@link BaselineOptions#igBaseline(int, int)}.
     */
    INTEGRATED_GRADIENTS,
    /**
     * SmoothGrad (Smilkov et al.): the mean raw gradient over {@code n} noisy copies, then the
     * {@link #GRADIENT} post-processing: {@code max_c |(1/n) sum_s g(x + e_s)_c|}, where {@code
     * e_s} is N(0, sigma^2) noise, {@code sigma = noiseLevel * (max(x) - min(x))} over the whole
     * input, drawn by a SplitMix64 / Box-Muller generator (reproducible across implementations)
     * from {@link BaselineOptions#seed()}.
     */
    SMOOTHGRAD,
    /**
     * Grad-CAM (Selvaraju et al.; pytorch-grad-cam conventions) at the output {@code A} of feature
     * ReLU {@code l} ({@link BaselineOptions#gradCamLayer()}, by default the last, {@code
     * features[29]} of VGG-16): {@code w_c = mean_{h,w} dS/dA_c}, {@code cam = ReLU(sum_c w_c
     * A_c)}, resized to the input size by bilinear interpolation with {@code align_corners=False}
     * (as {@code F.interpolate}). Unlike pytorch-grad-cam, the map is L2-normalised rather than
     * min-max scaled.
     */
    GRAD_CAM;

    /** Whether the method needs the gradient with respect to the input (all but Grad-CAM). */
    boolean usesInputGradient() {
        return this != GRAD_CAM;
    }
}
