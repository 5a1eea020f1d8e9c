package dev.licnn.server;

import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.engine.baseline.Method;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Targets;
import dev.licnn.engine.licnn.LicnnOptions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a request asks a worker to compute: built once, at the edge, from a request that passed
 * every check, so a worker never validates it again. Work is batched only with work of an equal
 * {@link #batchKey()}, so a batch holds one kind. {@link WorkResult} has one kind of result per
 * kind of work.
 */
public sealed interface Work permits Work.Classify, Work.Licnn, Work.Baseline {

    /** The served model (or variant) that computes it. */
    String model();

    /** Same kind, model and input size. */
    Object batchKey();

    /**
     * The logits of one prepared image (3 x height x width); the result is {@link
     * WorkResult.Logits}.
     */
    record Classify(String model, float[] input, int height, int width) implements Work {
        public Classify {
            Objects.requireNonNull(model);
            Objects.requireNonNull(input);
        }

        @Override
        public Object batchKey() {
            return List.of("classify", model, height, width);
        }
    }

    /**
     * LICNN saliency of one image; the result is {@link WorkResult.Explained}.
     *
     * @param layers feature-ReLU indices whose maps are streamed, or null for all
     */
    record Licnn(
            String model,
            Targets targets,
            LicnnOptions options,
            Set<MapKind> kinds,
            Set<Integer> layers,
            MapListener listener)
            implements Work {
        public Licnn {
            Objects.requireNonNull(model);
            Objects.requireNonNull(targets);
            Objects.requireNonNull(options);
            kinds = Set.copyOf(kinds);
            layers = layers == null ? null : Set.copyOf(layers);
            Objects.requireNonNull(listener);
        }

        @Override
        public Object batchKey() {
            return List.of("licnn", model, targets.height(), targets.width());
        }
    }

    /** A baseline attribution map of one image; the result is {@link WorkResult.Explained}. */
    record Baseline(
            String model,
            Targets targets,
            Method method,
            BaselineOptions options,
            MapListener listener)
            implements Work {
        public Baseline {
            Objects.requireNonNull(model);
            Objects.requireNonNull(targets);
            Objects.requireNonNull(method);
            Objects.requireNonNull(options);
            Objects.requireNonNull(listener);
        }

        @Override
        public Object batchKey() {
            return List.of("baseline", model, targets.height(), targets.width());
        }
    }
}
