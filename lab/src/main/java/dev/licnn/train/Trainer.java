package dev.licnn.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import java.util.List;
import java.util.Random;

/**
 * Trains a VGG classifier ({@link VggBlocks}) with DJL on the CPU: seeded initialisation ({@link
 * #initialWeights}), Adam with cosine learning-rate decay, softmax cross-entropy, seeded shuffling.
 * Not thread-safe; close it to free the model.
 *
 * <pre>{@code
 * try (Trainer trainer = new Trainer(spec, options, totalSteps)) {
 *     for (int e = 0; e < options.epochs(); e++) {
 *         EpochStats s = trainer.trainEpoch(train, e, progress);
 *     }
 *     try (StateDict weights = trainer.export(manager)) { ... }
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {

    /** Sees training progress after every step. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param epoch 0-based epoch
         * @param step 0-based step within the epoch
         * @param steps steps per epoch
         * @param loss this step's mean loss
         * @param correct correctly classified images of this step (training mode)
         * @param batch images in this step
         */
        void onStep(int epoch, int step, int steps, float loss, int correct, int batch);
    }

    /**
     * What one epoch did.
     *
     * @param epoch 0-based epoch
     * @param meanLoss mean of the steps' losses
     * @param accuracy fraction of training images classified correctly while training (dropout on)
     * @param images images seen
     * @param seconds wall time
     */
    public record EpochStats(
            int epoch, double meanLoss, double accuracy, int images, double seconds) {}

    private final VggSpec spec;
    private final TrainOptions options;
    private final Model model;
    private final SequentialBlock block;
    private final ai.djl.training.Trainer trainer;

    /**
     * Builds and initialises the network.
     *
     * @param spec architecture
     * @param options optimisation settings
     * @param totalSteps optimiser steps over the whole run, for the learning-rate schedule
     */
    public Trainer(VggSpec spec, TrainOptions options, int totalSteps) {
        this(spec, options, totalSteps, null);
    }

    /**
     * Builds the network and starts it from given weights (to continue training).
     *
     * @param spec architecture
     * @param options optimisation settings
     * @param totalSteps optimiser steps over the whole run, for the learning-rate schedule
     * @param start weights with torchvision names for {@code spec}, or null for {@link
     *     #initialWeights}
     */
    public Trainer(VggSpec spec, TrainOptions options, int totalSteps, StateDict start) {
        this.spec = spec;
        this.options = options;
        Engine.getEngine("PyTorch").setRandomSeed((int) options.seed());
        this.block = VggBlocks.build(spec, options.dropout(), options.pooledClassifier());
        this.model = Model.newInstance("train-" + spec.name(), Device.cpu(), "PyTorch");
        try {
            model.setBlock(block);
            Tracker lr =
                    Tracker.cosine()
                            .setBaseValue(options.learningRate())
                            .optFinalValue(options.finalLearningRate())
                            .setMaxUpdates(Math.max(1, totalSteps))
                            .build();
            Optimizer adam =
                    Optimizer.adam()
                            .optLearningRateTracker(lr)
                            .optWeightDecays(options.weightDecay())
                            .build();
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(adam)
                            .optDevices(new Device[] {Device.cpu()});
            this.trainer = model.newTrainer(config);
            trainer.initialize(new Shape(1, 3, spec.inputSize(), spec.inputSize()));
            if (start != null) {
                start.validate(spec.parameterShapes());
                VggBlocks.load(block, spec, start);
            } else {
                try (StateDict init = initialWeights(spec, options.seed(), trainer.getManager())) {
                    VggBlocks.load(block, spec, init);
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Starting weights: torchvision's scheme for convolutions and batch norm (He normal with
     * fan-out, zero biases), but LeCun normal, {@code N(0, 1 / in)}, for the three linear layers
     * instead of torchvision's {@code N(0, 0.01)}: through three such layers the logits start so
     * small that training from scratch with Adam stalls for hundreds of steps.
     */
    static StateDict initialWeights(VggSpec spec, long seed, NDManager manager) {
        StateDict init = StateDict.initTorchvision(spec.parameterShapes(), seed, manager);
        for (String name :
                List.of("classifier.0.weight", "classifier.3.weight", "classifier.6.weight")) {
            NDArray w = init.get(name);
            double std = Math.sqrt(1.0 / w.getShape().get(1));
            init.put(name, w.mul(std / 0.01));
        }
        return init;
    }

    public VggSpec spec() {
        return spec;
    }

    public TrainOptions options() {
        return options;
    }

    /** Number of optimiser steps one epoch over {@code n} images takes. */
    public static int stepsPerEpoch(int n, int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /**
     * One pass over {@code data} in a seeded random order (the seed and the epoch fix the order).
     *
     * @param progress sees every step; may be null
     */
    public EpochStats trainEpoch(ImageSet data, int epoch, Progress progress) {
        long t0 = System.nanoTime();
        int[] order = shuffled(data.size(), options.seed() * 1_000_003L + epoch);
        int bs = options.batchSize();
        int steps = stepsPerEpoch(order.length, bs);
        double lossSum = 0;
        int correct = 0;
        for (int s = 0; s < steps; s++) {
            int from = s * bs;
            int[] idx =
                    java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + bs));
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = data.batch(idx, m);
                NDArray y = data.labels(idx, m).toType(ai.djl.ndarray.types.DataType.INT64, false);
                float loss;
                int ok;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                    gc.backward(l);
                    loss = l.getFloat();
                    ok = (int) logits.argMax(1).eq(y).sum().getLong();
                }
                trainer.step();
                lossSum += loss;
                correct += ok;
                if (progress != null) {
                    progress.onStep(epoch, s, steps, loss, ok, idx.length);
                }
            }
        }
        return new EpochStats(
                epoch,
                lossSum / steps,
                (double) correct / order.length,
                order.length,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Logits in inference mode (no dropout, no gradients); the result belongs to {@code x}'s
     * manager.
     */
    public NDArray logits(NDArray x) {
        return trainer.evaluate(new NDList(x)).singletonOrThrow();
    }

    /** Fraction of {@code data} the network classifies correctly in inference mode. */
    public double accuracy(ImageSet data, int batchSize) {
        int correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int[] idx = range(from, Math.min(data.size(), from + batchSize));
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray pred = logits(data.batch(idx, m)).argMax(1);
                long[] p = pred.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
                for (int i = 0; i < idx.length; i++) {
                    if (p[i] == data.label(idx[i])) {
                        correct++;
                    }
                }
            }
        }
        return data.size() == 0 ? 0 : (double) correct / data.size();
    }

    /**
     * A copy of the current parameters with torchvision names, owned by a sub-manager of {@code
     * manager}.
     */
    public StateDict export(NDManager manager) {
        return VggBlocks.toStateDict(block, spec, manager);
    }

    /** The underlying DJL block (for inspection and tests). */
    public SequentialBlock block() {
        return block;
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static int[] shuffled(int n, long seed) {
        int[] order = range(0, n);
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
