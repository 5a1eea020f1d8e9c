package dev.licnn.server;

import dev.licnn.engine.InvalidInputException;
import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.ScoreMode;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.proto.v1.ExplainMethod;
import dev.licnn.proto.v1.ExplainRequest;

/**
 * The one place where the contract's types and the engine's types of the same name meet, in both
 * directions: map kinds, explaining methods, score modes, LICNN and baseline options.
 */
final class ProtoMapping {

    private ProtoMapping() {}

    /** The request's LICNN options (defaults where unset). */
    static LicnnOptions options(ExplainRequest r) {
        LicnnOptions.Builder b = LicnnOptions.builder();
        if (r.hasLicnnOptions()) {
            dev.licnn.proto.v1.LicnnOptions o = r.getLicnnOptions();
            switch (o.getScore()) {
                case SCORE_MODE_UNSPECIFIED:
                case SCORE_MODE_AFTER_SOFTMAX:
                    b.optScoreMode(ScoreMode.AFTER_SOFTMAX);
                    break;
                case SCORE_MODE_BEFORE_SOFTMAX:
                    b.optScoreMode(ScoreMode.BEFORE_SOFTMAX);
                    break;
                default:
                    throw new InvalidInputException("unknown score mode " + o.getScoreValue());
            }
            b.optInhibitLastRelu(o.getInhibitLastRelu())
                    .optPerLayerNormalization(o.getPerLayerNormalization());
            if (o.hasLizSize()) {
                b.optLizSize(o.getLizSize());
            }
            if (o.hasA()) {
                b.optA(o.getA());
            }
            if (o.hasB()) {
                b.optB(o.getB());
            }
        }
        return b.build();
    }

    /** Whether the request asks for LICNN (the default when no method is set). */
    static boolean isLicnn(ExplainMethod m) {
        return m == ExplainMethod.EXPLAIN_METHOD_UNSPECIFIED
                || m == ExplainMethod.EXPLAIN_METHOD_LICNN;
    }

    /**
     * The baseline method of a request that is not LICNN's ({@link #isLicnn} is false).
     *
     * @throws UnsupportedMethodException for a method this server does not know
     */
    static dev.licnn.engine.baseline.Method baseline(ExplainMethod m, int value) {
        switch (m) {
            case EXPLAIN_METHOD_GRADIENT:
                return dev.licnn.engine.baseline.Method.GRADIENT;
            case EXPLAIN_METHOD_GRADIENT_X_INPUT:
                return dev.licnn.engine.baseline.Method.GRADIENT_X_INPUT;
            case EXPLAIN_METHOD_INTEGRATED_GRADIENTS:
                return dev.licnn.engine.baseline.Method.INTEGRATED_GRADIENTS;
            case EXPLAIN_METHOD_SMOOTHGRAD:
                return dev.licnn.engine.baseline.Method.SMOOTHGRAD;
            case EXPLAIN_METHOD_GRAD_CAM:
                return dev.licnn.engine.baseline.Method.GRAD_CAM;
            default:
                throw new UnsupportedMethodException(
                        "method " + value + " is not implemented by this server");
        }
    }

    /**
     * The request's baseline options (defaults where unset).
     *
     * @param mean the model's per-channel normalisation mean (the black IG baseline's value)
     * @param std the model's per-channel normalisation std
     * @param featureLayers the model's feature-ReLU count (grad_cam_layer's range)
     */
    static BaselineOptions baselineOptions(
            dev.licnn.proto.v1.BaselineOptions o, float[] mean, float[] std, int featureLayers) {
        BaselineOptions.Builder b = BaselineOptions.builder();
        b.optScoreMode(
                o.getScore() == dev.licnn.proto.v1.ScoreMode.SCORE_MODE_BEFORE_SOFTMAX
                        ? ScoreMode.BEFORE_SOFTMAX
                        : ScoreMode.AFTER_SOFTMAX);
        if (o.hasIgSteps()) {
            b.optIgSteps(o.getIgSteps());
        }
        switch (o.getIgBaseline()) {
            case IG_BASELINE_ZEROS:
                b.optIgBaselineZeros();
                break;
            case IG_BASELINE_UNSPECIFIED:
            case IG_BASELINE_BLACK:
                b.optIgBaselineBlack(mean, std);
                break;
            default:
                throw new InvalidInputException("unknown ig_baseline " + o.getIgBaselineValue());
        }
        if (o.hasSmoothgradSamples()) {
            b.optSmoothGradSamples(o.getSmoothgradSamples());
        }
        if (o.hasNoiseLevel()) {
            b.optNoiseLevel(o.getNoiseLevel());
        }
        b.optSeed(o.getSeed());
        if (o.hasGradCamLayer()) {
            int layer = o.getGradCamLayer();
            if (layer < 0 || layer >= featureLayers) {
                throw new InvalidInputException(
                        "grad_cam_layer " + layer + " out of range 0.." + (featureLayers - 1));
            }
            b.optGradCamLayer(layer);
        }
        return b.build();
    }

    static MapKind mapKind(dev.licnn.proto.v1.MapKind k) {
        switch (k) {
            case MAP_KIND_GRADIENT_MAX_C:
                return MapKind.GRADIENT_MAX_C;
            case MAP_KIND_INHIBITION:
                return MapKind.INHIBITION;
            case MAP_KIND_SUPPRESSION_MASK:
                return MapKind.SUPPRESSION_MASK;
            case MAP_KIND_RESPONSE_BEFORE:
                return MapKind.RESPONSE_BEFORE;
            case MAP_KIND_RESPONSE_AFTER:
                return MapKind.RESPONSE_AFTER;
            default:
                throw new InvalidInputException("layer_map_kinds contains an invalid kind: " + k);
        }
    }

    static dev.licnn.proto.v1.MapKind toProto(MapKind k) {
        return dev.licnn.proto.v1.MapKind.valueOf("MAP_KIND_" + k.name());
    }

    /** The options in effect, as the contract reports them. */
    static dev.licnn.proto.v1.LicnnOptions toProto(LicnnOptions o) {
        return dev.licnn.proto.v1.LicnnOptions.newBuilder()
                .setScore(
                        o.scoreMode() == ScoreMode.AFTER_SOFTMAX
                                ? dev.licnn.proto.v1.ScoreMode.SCORE_MODE_AFTER_SOFTMAX
                                : dev.licnn.proto.v1.ScoreMode.SCORE_MODE_BEFORE_SOFTMAX)
                .setInhibitLastRelu(o.inhibitLastRelu())
                .setPerLayerNormalization(o.perLayerNormalization())
                .setLizSize(o.lizSize())
                .setA(o.a())
                .setB(o.b())
                .build();
    }
}
