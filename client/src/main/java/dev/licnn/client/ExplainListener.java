package dev.licnn.client;

import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.LayerMap;
import dev.licnn.proto.v1.Prediction;
import dev.licnn.proto.v1.SaliencyMap;
import io.grpc.Status;

/**
 * Receives the events of one {@code Explain} call as they arrive. Every method has an empty
 * default; override those you need. Calls are serialised (never concurrent) and run on the
 * channel's executor, so they should not block for long.
 *
 * <p>A call ends with exactly one of {@link #onCompleted} (success) or {@link #onError}. If a
 * method throws, the call is cancelled and {@link #onError} receives a CANCELLED status whose cause
 * is the exception.
 *
 * <pre>{@code
 * client.explain(request, new ExplainListener() {
 *   public void onSaliency(SaliencyMap s) { show(DecodedMap.decode(s.getMap())); }
 *   public void onError(Status status) { log(status); }
 * });
 * }</pre>
 */
public interface ExplainListener {
    /** The request passed validation and was queued. */
    default void onAccepted(Accepted accepted) {}

    /** First-pass top classes and the targets. */
    default void onPrediction(Prediction prediction) {}

    /** One intermediate map of one target and layer. */
    default void onLayerMap(LayerMap layerMap) {}

    /** The attention map of one target. */
    default void onAttention(AttentionMap attention) {}

    /** The saliency map. */
    default void onSaliency(SaliencyMap saliency) {}

    /** Rankings of the inhibited passes. */
    default void onInhibitedRanking(InhibitedRanking ranking) {}

    /** Last event of a successful call. */
    default void onCompleted(Completed completed) {}

    /** The call failed (never called after {@link #onCompleted}); {@code status} is not OK. */
    default void onError(Status status) {}
}
