package dev.licnn.engine.explain;

import java.util.List;

/** Everything LICNN computed for one image. */
public final class ExplainResult {

    private final Prediction prediction;
    private final List<ClassAttention> classes;
    private final FloatMap saliency;

    public ExplainResult(Prediction prediction, List<ClassAttention> classes, FloatMap saliency) {
        this.prediction = prediction;
        this.classes = List.copyOf(classes);
        this.saliency = saliency;
    }

    public Prediction prediction() {
        return prediction;
    }

    /** Attention maps in rank order. */
    public List<ClassAttention> classes() {
        return classes;
    }

    /** The L2-normalised sum of the attention maps. */
    public FloatMap saliency() {
        return saliency;
    }
}
