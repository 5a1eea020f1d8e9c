package dev.licnn.client;

import dev.licnn.proto.v1.Accepted;
import dev.licnn.proto.v1.AttentionMap;
import dev.licnn.proto.v1.Completed;
import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.InhibitedRanking;
import dev.licnn.proto.v1.LayerMap;
import dev.licnn.proto.v1.Prediction;
import dev.licnn.proto.v1.SaliencyMap;
import java.util.HashMap;
import java.util.Map;

/** Accumulates the events of one explanation into an {@link ExplainOutcome}. Not thread-safe. */
final class OutcomeCollector implements ExplainListener {
    private Accepted accepted = Accepted.getDefaultInstance();
    private Prediction prediction = Prediction.getDefaultInstance();
    private final Map<Integer, DecodedMap> attention = new HashMap<>();
    private DecodedMap saliency;
    private final Map<ExplainOutcome.LayerKey, DecodedMap> layers = new HashMap<>();
    private InhibitedRanking ranking = InhibitedRanking.getDefaultInstance();
    private Completed completed;

    void accept(ExplainEvent event) {
        ListenerObserver.dispatch(event, this);
    }

    boolean isCompleted() {
        return completed != null;
    }

    @Override
    public void onAccepted(Accepted a) {
        accepted = a;
    }

    @Override
    public void onPrediction(Prediction p) {
        prediction = p;
    }

    @Override
    public void onLayerMap(LayerMap m) {
        layers.put(
                new ExplainOutcome.LayerKey(m.getTargetIndex(), m.getLayerIndex(), m.getKind()),
                DecodedMap.decode(m.getMap()));
    }

    @Override
    public void onAttention(AttentionMap m) {
        attention.put(m.getTargetIndex(), DecodedMap.decode(m.getMap()));
    }

    @Override
    public void onSaliency(SaliencyMap m) {
        saliency = DecodedMap.decode(m.getMap());
    }

    @Override
    public void onInhibitedRanking(InhibitedRanking r) {
        ranking = r;
    }

    @Override
    public void onCompleted(Completed c) {
        completed = c;
    }

    ExplainOutcome build() {
        if (completed == null) {
            throw new IllegalStateException("the explanation has not completed");
        }
        return new ExplainOutcome(
                accepted, prediction, attention, saliency, layers, ranking, completed);
    }
}
