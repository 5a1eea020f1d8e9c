package dev.licnn.cli;

import dev.licnn.proto.v1.BaselineOptions;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;
import dev.licnn.proto.v1.FeatureLayer;
import dev.licnn.proto.v1.IgBaseline;
import dev.licnn.proto.v1.ModelDescription;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code explain --method} and the options of the baseline methods, mirroring {@code
 * licnn.v1.BaselineOptions}. {@code --score} (of {@link ExplainOptions}) applies to every method.
 */
final class MethodOptions {

    /** The methods by their command-line names. */
    enum Method {
        LICNN("licnn", ExplainMethod.EXPLAIN_METHOD_LICNN),
        GRADIENT("gradient", ExplainMethod.EXPLAIN_METHOD_GRADIENT),
        GRADXINPUT("gradxinput", ExplainMethod.EXPLAIN_METHOD_GRADIENT_X_INPUT),
        IG("ig", ExplainMethod.EXPLAIN_METHOD_INTEGRATED_GRADIENTS),
        SMOOTHGRAD("smoothgrad", ExplainMethod.EXPLAIN_METHOD_SMOOTHGRAD),
        GRADCAM("gradcam", ExplainMethod.EXPLAIN_METHOD_GRAD_CAM);

        final String flag;
        final ExplainMethod proto;

        Method(String flag, ExplainMethod proto) {
            this.flag = flag;
            this.proto = proto;
        }

        static Method parse(String s) {
            for (Method m : values()) {
                if (m.flag.equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new CliException(
                    "--method must be one of "
                            + Arrays.stream(values())
                                    .map(m -> m.flag)
                                    .collect(Collectors.joining(", "))
                            + ", got '"
                            + s
                            + "'");
        }
    }

    @Option(
            names = "--method",
            defaultValue = "licnn",
            description =
                    "Attribution method: licnn, gradient, gradxinput, ig, smoothgrad, gradcam (default ${DEFAULT-VALUE}).")
    String method;

    @Option(
            names = "--ig-steps",
            description = "ig: steps of the midpoint Riemann sum, 1..1024 (default 32).")
    Integer igSteps;

    @Option(
            names = "--ig-baseline",
            description =
                    "ig: black (a black image, normalised like the input; default) or zeros (the all-zero input).")
    String igBaseline;

    @Option(
            names = "--noise-samples",
            description = "smoothgrad: noisy samples averaged, 1..1024 (default 16).")
    Integer samples;

    @Option(
            names = "--noise-level",
            description =
                    "smoothgrad: noise sigma as a fraction of max(x) - min(x) of the input, 0..10 (default 0.15).")
    Float noiseLevel;

    @Option(names = "--noise-seed", description = "smoothgrad: seed of the noise (default 0).")
    Long seed;

    @Option(
            names = "--gradcam-layer",
            description = "gradcam: feature ReLU, by name (relu5_3) or index (default the last).")
    String gradCamLayer;

    /** The method asked for. */
    Method method() {
        return Method.parse(method);
    }

    /**
     * Sets the method on {@code r} (already filled by {@link ExplainOptions#apply}); for a
     * baseline, moves the score to the baseline options and drops LICNN's options and layer maps.
     *
     * @throws CliException for an option of another method, or a method the model does not serve
     */
    ExplainRequest.Builder apply(
            ExplainRequest.Builder r, ExplainOptions licnn, ModelDescription d) {
        Method m = method();
        if (!d.getSupportedMethodsList().isEmpty()
                && !d.getSupportedMethodsList().contains(m.proto)) {
            throw new CliException("model '" + d.getName() + "' does not serve --method " + m.flag);
        }
        only(m, Method.IG, "--ig-steps", igSteps);
        only(m, Method.IG, "--ig-baseline", igBaseline);
        only(m, Method.SMOOTHGRAD, "--noise-samples", samples);
        only(m, Method.SMOOTHGRAD, "--noise-level", noiseLevel);
        only(m, Method.SMOOTHGRAD, "--noise-seed", seed);
        only(m, Method.GRADCAM, "--gradcam-layer", gradCamLayer);
        if (m == Method.LICNN) {
            return r.setMethod(m.proto);
        }
        List<String> licnnOnly = new ArrayList<>();
        if (licnn.liz != null) {
            licnnOnly.add("--liz");
        }
        if (licnn.a != null) {
            licnnOnly.add("-a");
        }
        if (licnn.b != null) {
            licnnOnly.add("-b");
        }
        if (licnn.inhibitLast) {
            licnnOnly.add("--inhibit-last");
        }
        if (licnn.perLayerNorm) {
            licnnOnly.add("--per-layer-norm");
        }
        if (!licnn.layers.isEmpty()) {
            licnnOnly.add("--layers");
        }
        if (!licnnOnly.isEmpty()) {
            throw new CliException(
                    String.join(", ", licnnOnly) + " apply to --method licnn only, not " + m.flag);
        }
        BaselineOptions.Builder b =
                BaselineOptions.newBuilder().setScore(r.getLicnnOptions().getScore());
        if (igSteps != null) {
            b.setIgSteps(igSteps);
        }
        if (igBaseline != null) {
            b.setIgBaseline(
                    switch (igBaseline.toLowerCase(Locale.ROOT)) {
                        case "black" -> IgBaseline.IG_BASELINE_BLACK;
                        case "zeros" -> IgBaseline.IG_BASELINE_ZEROS;
                        default ->
                                throw new CliException(
                                        "--ig-baseline must be 'black' or 'zeros', got '"
                                                + igBaseline
                                                + "'");
                    });
        }
        if (samples != null) {
            b.setSmoothgradSamples(samples);
        }
        if (noiseLevel != null) {
            b.setNoiseLevel(noiseLevel);
        }
        if (seed != null) {
            b.setSeed(seed);
        }
        if (gradCamLayer != null) {
            b.setGradCamLayer(layerIndex(d, gradCamLayer));
        }
        return r.setMethod(m.proto)
                .clearLicnnOptions()
                .clearLayerMapKinds()
                .clearLayerNames()
                .clearLayerIndices()
                .setBaselineOptions(b);
    }

    private static void only(Method m, Method owner, String flag, Object value) {
        if (value != null && m != owner) {
            throw new CliException(
                    flag + " applies to --method " + owner.flag + " only, not " + m.flag);
        }
    }

    static int layerIndex(ModelDescription d, String layer) {
        for (FeatureLayer l : d.getFeatureLayersList()) {
            if (l.getName().equals(layer)
                    || l.getModulePath().equals(layer)
                    || String.valueOf(l.getIndex()).equals(layer)) {
                return l.getIndex();
            }
        }
        throw new CliException(
                "--gradcam-layer '"
                        + layer
                        + "' is not a feature layer of model '"
                        + d.getName()
                        + "' ("
                        + d.getFeatureLayersList().stream()
                                .map(FeatureLayer::getName)
                                .collect(Collectors.joining(", "))
                        + ")");
    }
}
