package dev.licnn.client;

import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.MapKind;
import dev.licnn.proto.v1.Prediction;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Everything one successful explanation produced, maps decoded. Immutable.
 *
 * <pre>{@code
 * ExplainOutcome out = client.explainAsync(request).join();
 * int top = out.prediction().getTargets(0).getClassId();
 * DecodedMap attention = out.attentionMap(0);
 * DecodedMap mask = out.layerMap(0, 12, MapKind.MAP_KIND_SUPPRESSION_MASK);
 * com.google.protobuf.Duration compute = out.completed().getComputeTime();
 * }</pre>
 */
public final class ExplainOutcome {
    /** Key of a layer map: target position, feature layer index and map kind. */
    public record LayerKey(int targetIndex, int layerIndex, MapKind kind)
            implements Comparable<LayerKey> {
        @Override
        public int compareTo(LayerKey o) {
            int c = Integer.compare(targetIndex, o.targetIndex);
            if (c == 0) {
                c = Integer.compare(layerIndex, o.layerIndex);
            }
            return c != 0 ? c : Integer.compare(kind.getNumber(), o.kind.getNumber());
        }
    }

    private final Accepted accepted;
    private final Prediction prediction;
    private final SortedMap<Integer, DecodedMap> attentionMaps;
    private final DecodedMap saliency;
    private final SortedMap<LayerKey, DecodedMap> layerMaps;
    private final InhibitedRanking inhibitedRanking;
    private final Completed completed;

    ExplainOutcome(
            Accepted accepted,
            Prediction prediction,
            Map<Integer, DecodedMap> attentionMaps,
            @Nullable DecodedMap saliency,
            Map<LayerKey, DecodedMap> layerMaps,
            InhibitedRanking inhibitedRanking,
            Completed completed) {
        this.accepted = accepted;
        this.prediction = prediction;
        this.attentionMaps = Collections.unmodifiableSortedMap(new TreeMap<>(attentionMaps));
        this.saliency = saliency;
        this.layerMaps = Collections.unmodifiableSortedMap(new TreeMap<>(layerMaps));
        this.inhibitedRanking = inhibitedRanking;
        this.completed = completed;
    }

    /**
     * Collects the events of a blocking {@link LicnnClient#explainEvents} iterator, draining it.
     *
     * @throws io.grpc.StatusRuntimeException if the call fails
     * @throws IllegalStateException if the events end without {@code completed}
     * @throws IllegalArgumentException if a map cannot be decoded
     */
    public static ExplainOutcome collect(Iterator<ExplainEvent> events) {
        OutcomeCollector collector = new OutcomeCollector();
        while (events.hasNext()) {
            collector.accept(events.next());
        }
        return collector.build();
    }

    /** The server's request id (from {@code accepted}). */
    public String requestId() {
        return accepted.getRequestId();
    }

    /** The {@code accepted} event: model, method and effective options. */
    public Accepted accepted() {
        return accepted;
    }

    /** First-pass top classes and the targets. */
    public Prediction prediction() {
        return prediction;
    }

    /** Attention maps by target index (empty when omitted). */
    public SortedMap<Integer, DecodedMap> attentionMaps() {
        return attentionMaps;
    }

    /** The attention map of target {@code targetIndex}, or null if none was sent. */
    @Nullable
    public DecodedMap attentionMap(int targetIndex) {
        return attentionMaps.get(targetIndex);
    }

    /** The saliency map, or null if it was omitted. */
    @Nullable
    public DecodedMap saliency() {
        return saliency;
    }

    /** Layer maps by (target index, layer index, kind). */
    public SortedMap<LayerKey, DecodedMap> layerMaps() {
        return layerMaps;
    }

    /** One layer map, or null if it was not sent. */
    @Nullable
    public DecodedMap layerMap(int targetIndex, int layerIndex, MapKind kind) {
        return layerMaps.get(new LayerKey(targetIndex, layerIndex, kind));
    }

    /** Rankings of the inhibited passes (default instance if none was sent). */
    public InhibitedRanking inhibitedRanking() {
        return inhibitedRanking;
    }

    /** The {@code completed} event: queue, compute and total time, batch size, worker, device. */
    public Completed completed() {
        return completed;
    }
}
