package dev.licnn.server;

import dev.licnn.engine.licnn.ExplainListener;
import dev.licnn.engine.licnn.Targets;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.engine.licnn.MapKind;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** What a request asks a worker to compute; batched with work of the same {@link #batchKey()}. */
public abstract class Work {

    private final String model;
    private final float[] input;
    private final int height;
    private final int width;

    Work(String model, float[] input, int height, int width) {
        this.model = Objects.requireNonNull(model);
        this.input = Objects.requireNonNull(input);
        this.height = height;
        this.width = width;
    }

    public String model() {
        return model;
    }

    /** The prepared image, 3 x height x width. */
    public float[] input() {
        return input;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Work is batched only with work of an equal key: same kind, model and input size. */
    public abstract Object batchKey();

    /** Classification of one image: the result is its logits. */
    public static final class Classify extends Work {
        public Classify(String model, float[] input, int height, int width) {
            super(model, input, height, width);
        }

        @Override
        public Object batchKey() {
            return List.of("classify", model(), height(), width());
        }
    }

    /** LICNN saliency of one image: the result is an {@code ExplainResult}. */
    public static final class Explain extends Work {
        private final int topK;
        private final int[] classIds;
        private final LicnnOptions options;
        private final Set<MapKind> kinds;
        private final Set<Integer> layers;
        private final ExplainListener listener;
        private final dev.licnn.engine.baseline.Method method;
        private final dev.licnn.engine.baseline.BaselineOptions baselineOptions;

        /** With {@code method} null for LICNN, else a baseline method and its options. */
        public Explain(String model, float[] input, int height, int width, int topK, int[] classIds,
                LicnnOptions options, Set<MapKind> kinds, Set<Integer> layers, ExplainListener listener,
                dev.licnn.engine.baseline.Method method, dev.licnn.engine.baseline.BaselineOptions baselineOptions) {
            super(model, input, height, width);
            this.method = method;
            this.baselineOptions = baselineOptions;
            this.topK = topK;
            this.classIds = classIds;
            this.options = options;
            this.kinds = kinds;
            this.layers = layers;
            this.listener = listener;
        }

        /**
         * The input and the classes, as the engines take them.
         *
         * @throws IllegalArgumentException if they are not valid
         */
        public Targets targets() {
            return Targets.of(input(), height(), width(), topK, classIds);
        }

        public LicnnOptions options() {
            return options;
        }

        public Set<MapKind> kinds() {
            return kinds;
        }

        /** Feature-ReLU indices, or null for all. */
        public Set<Integer> layers() {
            return layers;
        }

        public ExplainListener listener() {
            return listener;
        }

        /** The baseline method, or null for LICNN. */
        public dev.licnn.engine.baseline.Method method() {
            return method;
        }

        public dev.licnn.engine.baseline.BaselineOptions baselineOptions() {
            return baselineOptions;
        }

        @Override
        public Object batchKey() {
            return List.of("explain", method == null ? "licnn" : "baseline", model(), height(), width());
        }
    }
}
