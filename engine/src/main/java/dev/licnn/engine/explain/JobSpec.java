package dev.licnn.engine.explain;

import java.util.function.BooleanSupplier;

/**
 * What every explaining job carries, whatever the method: its {@link Targets} (input and classes),
 * the {@link MapListener} that receives its results, and its cancellation check. Immutable; built
 * by the builder every job type's builder extends.
 */
public final class JobSpec {

    private final Targets targets;
    private final MapListener listener;
    private final BooleanSupplier cancelled;

    private JobSpec(Targets targets, MapListener listener, BooleanSupplier cancelled) {
        this.targets = targets;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    /** The input and the classes to explain. */
    public Targets targets() {
        return targets;
    }

    public MapListener listener() {
        return listener;
    }

    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    /**
     * The part of a job builder that sets the input, the classes, the listener and the cancellation
     * check.
     *
     * @param <B> the job type's builder, returned by every setter
     */
    public abstract static class Builder<B extends Builder<B>> {
        private Targets targets;
        private float[] input;
        private int height;
        private int width;
        private int topK = 5;
        private int[] classIds;
        private MapListener listener = MapListener.NONE;
        private BooleanSupplier cancelled = () -> false;

        protected Builder() {}

        /** This builder as its own type. */
        protected abstract B self();

        /** The normalised image, 3 x h x w channel-major (not copied). */
        public B setInput(float[] chw, int h, int w) {
            this.targets = null;
            this.input = chw;
            this.height = h;
            this.width = w;
            return self();
        }

        /** Input and classes at once (the input is not copied). */
        public B setTargets(Targets t) {
            this.targets = t;
            this.input = t.input();
            this.height = t.height();
            this.width = t.width();
            this.topK = t.topK();
            this.classIds = t.classIds();
            return self();
        }

        public B optTopK(int k) {
            this.targets = null;
            this.topK = k;
            this.classIds = null;
            return self();
        }

        public B optClassIds(int... ids) {
            this.targets = null;
            this.classIds = ids.clone();
            return self();
        }

        public B optListener(MapListener l) {
            this.listener = l;
            return self();
        }

        public B optCancelled(BooleanSupplier c) {
            this.cancelled = c;
            return self();
        }

        /** Whether the listener or the cancellation check was set to null. */
        protected boolean specHasNull() {
            return listener == null || cancelled == null;
        }

        /**
         * The spec; targets are checked once where they were made ({@link #setTargets}), otherwise
         * here.
         *
         * @throws IllegalArgumentException naming the problem (shape, non-finite values, k,
         *     classes)
         */
        protected JobSpec buildSpec() {
            Targets t =
                    targets != null ? targets : Targets.of(input, height, width, topK, classIds);
            return new JobSpec(t, listener, cancelled);
        }
    }
}
