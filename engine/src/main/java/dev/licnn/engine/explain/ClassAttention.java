package dev.licnn.engine.explain;

/**
 * The category-specific attention map of one class, with the logits of its inhibited pass (the
 * class ranking "after inhibition").
 */
public final class ClassAttention {

    private final int rank;
    private final int classId;
    private final FloatMap attention;
    private final float[] logitsAfter;

    public ClassAttention(int rank, int classId, FloatMap attention, float[] logitsAfter) {
        this.rank = rank;
        this.classId = classId;
        this.attention = attention;
        this.logitsAfter = logitsAfter;
    }

    /** Position of the class among the explained classes (0 = first). */
    public int rank() {
        return rank;
    }

    public int classId() {
        return classId;
    }

    /** The L2-normalised attention map at the input's resolution. */
    public FloatMap attention() {
        return attention;
    }

    /** Logits of the second (inhibited) pass for this class. */
    public float[] logitsAfter() {
        return logitsAfter.clone();
    }

    /** Softmax of {@link #logitsAfter()}. */
    public float[] probabilitiesAfter() {
        return Ranking.softmax(logitsAfter);
    }
}
