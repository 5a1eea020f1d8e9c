package dev.licnn.client;

import dev.licnn.proto.v1.ExplainEvent;
import dev.licnn.proto.v1.ExplainRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** Collects an {@code Explain} call into a future of its {@link ExplainOutcome}. */
final class OutcomeObserver implements ClientResponseObserver<ExplainRequest, ExplainEvent> {
    private final CallFuture<ExplainOutcome> future = new CallFuture<>();
    private final OutcomeCollector collector = new OutcomeCollector();
    private ClientCallStreamObserver<ExplainRequest> call;

    CallFuture<ExplainOutcome> future() {
        return future;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ExplainRequest> requestStream) {
        call = requestStream;
        future.onCancel(() -> requestStream.cancel("future cancelled", null));
    }

    @Override
    public void onNext(ExplainEvent event) {
        if (future.isDone()) {
            return;
        }
        try {
            collector.accept(event);
            if (collector.isCompleted()) {
                future.complete(collector.build());
            }
        } catch (RuntimeException e) {
            // e.g. a map that does not decode: fail the future and stop the call
            future.completeExceptionally(
                    Status.INTERNAL
                            .withDescription("bad Explain event: " + e.getMessage())
                            .withCause(e)
                            .asRuntimeException());
            call.cancel("bad Explain event", e);
        }
    }

    @Override
    public void onError(Throwable t) {
        future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        future.completeExceptionally(
                Status.INTERNAL
                        .withDescription("Explain ended without a completed event")
                        .asRuntimeException());
    }
}
