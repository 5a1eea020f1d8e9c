package dev.licnn.train;

/**
 * Immutable optimisation settings for {@link Trainer}; every setting has a default.
 *
 * <pre>{@code
 * TrainOptions opts = TrainOptions.builder().optEpochs(6).optBatchSize(32).optSeed(1).build();
 * }</pre>
 */
public final class TrainOptions {

    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final float finalLearningRate;
    private final float weightDecay;
    private final float dropout;
    private final long seed;
    private final boolean pooledClassifier;

    private TrainOptions(Builder b) {
        this.pooledClassifier = b.pooledClassifier;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.finalLearningRate = b.finalLearningRate;
        this.weightDecay = b.weightDecay;
        this.dropout = b.dropout;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Adam's initial learning rate. */
    public float learningRate() {
        return learningRate;
    }

    /** Learning rate reached at the last step by cosine decay. */
    public float finalLearningRate() {
        return finalLearningRate;
    }

    public float weightDecay() {
        return weightDecay;
    }

    /** Dropout probability in the classifier. */
    public float dropout() {
        return dropout;
    }

    /** Seeds the initial weights, the shuffling and the engine's dropout. */
    public long seed() {
        return seed;
    }

    /**
     * Whether the first classifier layer is trained position-invariant (see {@link
     * VggBlocks#build(dev.licnn.engine.model.VggSpec, float, boolean)}).
     */
    public boolean pooledClassifier() {
        return pooledClassifier;
    }

    @Override
    public String toString() {
        return "TrainOptions{epochs="
                + epochs
                + ", batchSize="
                + batchSize
                + ", lr="
                + learningRate
                + "->"
                + finalLearningRate
                + " (cosine), weightDecay="
                + weightDecay
                + ", dropout="
                + dropout
                + ", seed="
                + seed
                + ", pooledClassifier="
                + pooledClassifier
                + "}";
    }

    /** Builder for {@link TrainOptions}; validated in {@link #build()}. */
    public static final class Builder {
        private int epochs = 5;
        private int batchSize = 32;
        private float learningRate = 1e-3f;
        private float finalLearningRate = 5e-5f;
        private float weightDecay;
        private float dropout = 0.5f;
        private long seed = 1;
        private boolean pooledClassifier = true;

        private Builder() {}

        /** Trains the first classifier layer position-invariant (default true). */
        public Builder optPooledClassifier(boolean pooled) {
            this.pooledClassifier = pooled;
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optLearningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optFinalLearningRate(float finalLearningRate) {
            this.finalLearningRate = finalLearningRate;
            return this;
        }

        public Builder optWeightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder optDropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException on a non-positive epoch count, batch size or learning
         *     rate, a final rate above the initial one, negative weight decay or dropout outside
         *     [0, 1)
         */
        public TrainOptions build() {
            if (epochs < 1 || batchSize < 1) {
                throw new IllegalArgumentException("epochs and batch size must be positive");
            }
            if (!(learningRate > 0)
                    || !(finalLearningRate > 0)
                    || finalLearningRate > learningRate) {
                throw new IllegalArgumentException(
                        "need 0 < final learning rate <= learning rate, got "
                                + finalLearningRate
                                + ", "
                                + learningRate);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must not be negative");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            return new TrainOptions(this);
        }
    }
}
