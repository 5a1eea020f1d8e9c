package dev.licnn.engine.explain;

/**
 * The first forward pass of one image: logits, probabilities and the classes that will be explained
 * (the top-k, or the caller's explicit classes, in that order).
 */
public final class Prediction {

    private final float[] logits;
    private final float[] probabilities;
    private final int[] targets;

    public Prediction(float[] logits, float[] probabilities, int[] targets) {
        this.logits = logits;
        this.probabilities = probabilities;
        this.targets = targets;
    }

    /** Raw scores of every class. */
    public float[] logits() {
        return logits.clone();
    }

    /** Softmax of the logits. */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** The classes explained, rank 0 first. */
    public int[] targets() {
        return targets.clone();
    }

    /**
     * Classes ordered by descending probability (ties: lower class id first), at most {@code k}.
     */
    public int[] topK(int k) {
        return Ranking.topK(probabilities, k);
    }
}
