package dev.licnn.client;

import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** Adapts an {@link ExplainListener} to the response observer of an {@code Explain} call. */
final class ListenerObserver implements ClientResponseObserver<ExplainRequest, ExplainEvent> {
    private final ExplainListener listener;
    private ClientCallStreamObserver<ExplainRequest> call;
    private boolean completed;
    private RuntimeException listenerFailure;

    ListenerObserver(ExplainListener listener) {
        this.listener = listener;
    }

    ClientCallStreamObserver<ExplainRequest> call() {
        return call;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ExplainRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(ExplainEvent event) {
        if (listenerFailure != null) {
            return;
        }
        try {
            dispatch(event, listener);
            if (event.hasCompleted()) {
                completed = true;
            }
        } catch (RuntimeException e) {
            listenerFailure = e;
            completed = false;
            call.cancel("explain listener failed", e);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (listenerFailure != null) {
            reportListenerFailure();
        } else if (!completed) {
            listener.onError(Status.fromThrowable(t));
        }
    }

    @Override
    public void onCompleted() {
        if (listenerFailure != null) {
            reportListenerFailure();
        } else if (!completed) {
            listener.onError(
                    Status.INTERNAL.withDescription("Explain ended without a completed event"));
        }
    }

    // The call may have ended on the server before the cancel took effect: report it either way.
    private void reportListenerFailure() {
        listener.onError(
                Status.CANCELLED
                        .withDescription("explain listener failed")
                        .withCause(listenerFailure));
    }

    /** Calls the listener method that matches the event; unknown events are ignored. */
    static void dispatch(ExplainEvent event, ExplainListener listener) {
        switch (event.getEventCase()) {
            case ACCEPTED -> listener.onAccepted(event.getAccepted());
            case PREDICTION -> listener.onPrediction(event.getPrediction());
            case LAYER_MAP -> listener.onLayerMap(event.getLayerMap());
            case ATTENTION_MAP -> listener.onAttention(event.getAttentionMap());
            case SALIENCY_MAP -> listener.onSaliency(event.getSaliencyMap());
            case INHIBITED_RANKING -> listener.onInhibitedRanking(event.getInhibitedRanking());
            case COMPLETED -> listener.onCompleted(event.getCompleted());
            default -> {}
        }
    }
}
