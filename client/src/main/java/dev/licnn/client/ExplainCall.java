package dev.licnn.client;

import io.grpc.stub.ClientCallStreamObserver;

/**
 * Handle of an {@code Explain} call started with {@link LicnnClient#explain}; lets the caller
 * cancel it. Thread-safe.
 *
 * <pre>{@code
 * ExplainCall call = client.explain(request, listener);
 * ...
 * call.cancel(); // the listener's onError receives CANCELLED, the server stops working on it
 * }</pre>
 */
public final class ExplainCall {
    private final ClientCallStreamObserver<?> call;

    ExplainCall(ClientCallStreamObserver<?> call) {
        this.call = call;
    }

    /** Cancels the call; no effect once it has ended. */
    public void cancel() {
        cancel("cancelled by the client");
    }

    /** Cancels the call with a message for the CANCELLED status; no effect once it has ended. */
    public void cancel(String message) {
        call.cancel(message, null);
    }
}
