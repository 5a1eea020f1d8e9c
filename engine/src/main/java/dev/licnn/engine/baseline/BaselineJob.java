package dev.licnn.engine.baseline;

import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Targets;
import java.util.function.BooleanSupplier;

/**
 * One image to explain with a baseline method: a prepared input, the classes to explain (top-k of
 * the logits, or explicit classes), the method, its options, a listener and a cancellation check.
 *
 * <pre>{@code
 * BaselineJob job = BaselineJob.builder()
 *         .setInput(chw, 224, 224)
 *         .setMethod(Method.INTEGRATED_GRADIENTS)
 *         .optTopK(3)
 *         .optOptions(BaselineOptions.builder().optIgSteps(16).build())
 *         .optListener(listener)
 *         .build();
 * }</pre>
 */
public final class BaselineJob {

    private final Targets targets;
    private final Method method;
    private final BaselineOptions options;
    private final MapListener listener;
    private final BooleanSupplier cancelled;

    private BaselineJob(Builder b) {
        // Targets checked once where they were made (setTargets); otherwise here.
        this.targets =
                b.targets != null
                        ? b.targets
                        : Targets.of(b.input, b.height, b.width, b.topK, b.classIds);
        this.method = b.method;
        this.options = b.options;
        this.listener = b.listener;
        this.cancelled = b.cancelled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The input and the classes to explain. */
    public Targets targets() {
        return targets;
    }

    public Method method() {
        return method;
    }

    public BaselineOptions options() {
        return options;
    }

    public MapListener listener() {
        return listener;
    }

    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private Targets targets;
        private float[] input;
        private int height;
        private int width;
        private int topK = 5;
        private int[] classIds;
        private Method method = Method.GRADIENT;
        private BaselineOptions options = BaselineOptions.defaults();
        private MapListener listener = MapListener.NONE;
        private BooleanSupplier cancelled = () -> false;

        private Builder() {}

        /** The normalised image, 3 x h x w channel-major (not copied). */
        public Builder setInput(float[] chw, int h, int w) {
            this.targets = null;
            this.input = chw;
            this.height = h;
            this.width = w;
            return this;
        }

        /** The attribution method (default {@link Method#GRADIENT}). */
        public Builder setMethod(Method m) {
            this.method = m;
            return this;
        }

        /** Input and classes at once (the input is not copied). */
        public Builder setTargets(Targets t) {
            this.targets = t;
            this.input = t.input();
            this.height = t.height();
            this.width = t.width();
            this.topK = t.topK();
            this.classIds = t.classIds();
            return this;
        }

        public Builder optTopK(int k) {
            this.targets = null;
            this.topK = k;
            this.classIds = null;
            return this;
        }

        public Builder optClassIds(int... ids) {
            this.targets = null;
            this.classIds = ids.clone();
            return this;
        }

        public Builder optOptions(BaselineOptions opts) {
            this.options = opts;
            return this;
        }

        public Builder optListener(MapListener l) {
            this.listener = l;
            return this;
        }

        public Builder optCancelled(BooleanSupplier c) {
            this.cancelled = c;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the problem (shape, non-finite values, k,
         *     classes)
         */
        public BaselineJob build() {
            if (method == null || options == null || listener == null || cancelled == null) {
                throw new IllegalArgumentException(
                        "method, options, listener and cancellation must not be null");
            }
            return new BaselineJob(this);
        }
    }
}
