package dev.licnn.client;

import java.util.concurrent.CompletableFuture;

/** A future whose {@code cancel} also cancels the RPC behind it. */
final class CallFuture<T> extends CompletableFuture<T> {
    private Runnable canceller;

    /** Sets what cancels the RPC; runs it at once if the future was already cancelled. */
    void onCancel(Runnable canceller) {
        synchronized (this) {
            this.canceller = canceller;
        }
        if (isCancelled()) {
            canceller.run();
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Runnable c;
        synchronized (this) {
            c = canceller;
        }
        if (cancelled && c != null) {
            c.run();
        }
        return cancelled;
    }
}
