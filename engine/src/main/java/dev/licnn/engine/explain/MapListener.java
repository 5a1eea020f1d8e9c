package dev.licnn.engine.explain;

/**
 * Receives LICNN's results of one image as soon as each is computed, on the computing thread.
 * Implementations must be quick and must not block (hand the data to another thread or buffer it).
 * Maps handed over are owned by the listener from then on.
 */
public interface MapListener {

    /** A listener that ignores everything. */
    MapListener NONE = new MapListener() {};

    /** The first forward pass and the classes that will be explained. */
    default void onPrediction(Prediction prediction) {}

    /**
     * One intermediate map of one class at one feature ReLU (only the kinds and layers asked for).
     */
    default void onLayerMap(int rank, int classId, int layer, MapKind kind, FloatMap map) {}

    /** The attention map of one class. */
    default void onAttention(ClassAttention attention) {}

    /** The saliency map: the normalised sum of the attention maps of {@code classIds}. */
    default void onSaliency(int[] classIds, FloatMap saliency) {}
}
