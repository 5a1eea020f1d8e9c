package dev.licnn.engine.baseline;

import dev.licnn.engine.explain.ExplainingJob;
import dev.licnn.engine.explain.JobSpec;

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
public final class BaselineJob implements ExplainingJob {

    private final JobSpec spec;
    private final Method method;
    private final BaselineOptions options;

    private BaselineJob(Builder b, JobSpec spec) {
        this.spec = spec;
        this.method = b.method;
        this.options = b.options;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public JobSpec spec() {
        return spec;
    }

    public Method method() {
        return method;
    }

    public BaselineOptions options() {
        return options;
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder extends JobSpec.Builder<Builder> {
        private Method method = Method.GRADIENT;
        private BaselineOptions options = BaselineOptions.defaults();

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** The attribution method (default {@link Method#GRADIENT}). */
        public Builder setMethod(Method m) {
            this.method = m;
            return this;
        }

        public Builder optOptions(BaselineOptions opts) {
            this.options = opts;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the problem (shape, non-finite values, k,
         *     classes)
         */
        public BaselineJob build() {
            if (method == null || options == null || specHasNull()) {
                throw new IllegalArgumentException(
                        "method, options, listener and cancellation must not be null");
            }
            return new BaselineJob(this, buildSpec());
        }
    }
}
