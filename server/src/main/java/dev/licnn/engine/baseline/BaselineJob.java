package dev.licnn.engine.baseline;

import dev.licnn.engine.licnn.ExplainListener;
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

    private final float[] input;
    private final int height;
    private final int width;
    private final int topK;
    private final int[] classIds;
    private final Method method;
    private final BaselineOptions options;
    private final ExplainListener listener;
    private final BooleanSupplier cancelled;

    private BaselineJob(Builder b) {
        this.input = b.input;
        this.height = b.height;
        this.width = b.width;
        this.topK = b.topK;
        this.classIds = b.classIds;
        this.method = b.method;
        this.options = b.options;
        this.listener = b.listener;
        this.cancelled = b.cancelled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The normalised input, 3 x height x width, channel-major. Shared: do not modify. */
    public float[] input() {
        return input;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Number of top classes to explain when no explicit classes are given. */
    public int topK() {
        return topK;
    }

    /** Explicit classes to explain in this order, or null for the top-k. */
    public int[] classIds() {
        return classIds == null ? null : classIds.clone();
    }

    /** How many classes will be explained. */
    public int targetCount() {
        return classIds == null ? topK : classIds.length;
    }

    public Method method() {
        return method;
    }

    public BaselineOptions options() {
        return options;
    }

    public ExplainListener listener() {
        return listener;
    }

    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder {
        private float[] input;
        private int height;
        private int width;
        private int topK = 5;
        private int[] classIds;
        private Method method = Method.GRADIENT;
        private BaselineOptions options = BaselineOptions.defaults();
        private ExplainListener listener = ExplainListener.NONE;
        private BooleanSupplier cancelled = () -> false;

        private Builder() {}

        /** The normalised image, 3 x h x w channel-major (not copied). */
        public Builder setInput(float[] chw, int h, int w) {
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

        public Builder optTopK(int k) {
            this.topK = k;
            this.classIds = null;
            return this;
        }

        public Builder optClassIds(int... ids) {
            this.classIds = ids.clone();
            return this;
        }

        public Builder optOptions(BaselineOptions opts) {
            this.options = opts;
            return this;
        }

        public Builder optListener(ExplainListener l) {
            this.listener = l;
            return this;
        }

        public Builder optCancelled(BooleanSupplier c) {
            this.cancelled = c;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the problem (shape, non-finite values, k, classes)
         */
        public BaselineJob build() {
            dev.licnn.engine.licnn.Targets.validateRequest(input, height, width, topK, classIds);
            if (method == null || options == null || listener == null || cancelled == null) {
                throw new IllegalArgumentException("method, options, listener and cancellation must not be null");
            }
            return new BaselineJob(this);
        }
    }
}
