package dev.licnn.server;

import dev.licnn.batch.Job;
import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.engine.baseline.Method;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Targets;
import dev.licnn.engine.licnn.LicnnOptions;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What a request asks a worker to compute: built once, by a request's plan, from a request that
 * passed every check, so a worker never validates it again. Work is batched only with work of an
 * equal {@link #batchKey()}, so a batch holds one kind.
 *
 * <p>Each kind completes a future of its own result type, its {@code reply}: {@link Classify} a
 * {@link WorkResult.Logits}, {@link Licnn} and {@link Baseline} a {@link WorkResult.Explained}. A
 * worker tells the kinds apart through {@link #accept}, so nothing is recovered by a cast.
 */
public sealed interface Work permits Work.Classify, Work.Explaining {

    /** The served model (or variant) that computes it. */
    String model();

    /** Same kind, model and input size. */
    Object batchKey();

    /** Calls the visitor's method for this kind. */
    <T> T accept(Kinds<T> kinds);

    /** One method per kind of work: adding a kind breaks every visitor until it handles it. */
    interface Kinds<T> {
        T classify(Classify work);

        T licnn(Licnn work);

        T baseline(Baseline work);
    }

    /**
     * Delivers a result: completes the work's typed reply and the pool's job with the same value.
     */
    static <R extends WorkResult> void deliver(
            Job<Work, WorkResult> job, CompletableFuture<R> reply, R value) {
        reply.complete(value);
        job.complete(value);
    }

    /** The logits of one prepared image (3 x height x width). */
    record Classify(
            String model,
            float[] input,
            int height,
            int width,
            CompletableFuture<WorkResult.Logits> reply)
            implements Work {
        public Classify {
            Objects.requireNonNull(model);
            Objects.requireNonNull(input);
            Objects.requireNonNull(reply);
        }

        Classify(String model, float[] input, int height, int width) {
            this(model, input, height, width, new CompletableFuture<>());
        }

        @Override
        public Object batchKey() {
            return List.of("classify", model, height, width);
        }

        @Override
        public <T> T accept(Kinds<T> kinds) {
            return kinds.classify(this);
        }
    }

    /** Work that explains one image and streams its maps to a listener. */
    sealed interface Explaining extends Work permits Licnn, Baseline {
        Targets targets();

        MapListener listener();

        CompletableFuture<WorkResult.Explained> reply();
    }

    /**
     * LICNN saliency of one image.
     *
     * @param layers feature-ReLU indices whose maps are streamed, or null for all
     */
    record Licnn(
            String model,
            Targets targets,
            LicnnOptions options,
            Set<MapKind> kinds,
            Set<Integer> layers,
            MapListener listener,
            CompletableFuture<WorkResult.Explained> reply)
            implements Explaining {
        public Licnn {
            Objects.requireNonNull(model);
            Objects.requireNonNull(targets);
            Objects.requireNonNull(options);
            kinds = Set.copyOf(kinds);
            layers = layers == null ? null : Set.copyOf(layers);
            Objects.requireNonNull(listener);
            Objects.requireNonNull(reply);
        }

        Licnn(
                String model,
                Targets targets,
                LicnnOptions options,
                Set<MapKind> kinds,
                Set<Integer> layers,
                MapListener listener) {
            this(model, targets, options, kinds, layers, listener, new CompletableFuture<>());
        }

        @Override
        public Object batchKey() {
            return List.of("licnn", model, targets.height(), targets.width());
        }

        @Override
        public <T> T accept(Kinds<T> kinds) {
            return kinds.licnn(this);
        }
    }

    /** A baseline attribution map of one image. */
    record Baseline(
            String model,
            Targets targets,
            Method method,
            BaselineOptions options,
            MapListener listener,
            CompletableFuture<WorkResult.Explained> reply)
            implements Explaining {
        public Baseline {
            Objects.requireNonNull(model);
            Objects.requireNonNull(targets);
            Objects.requireNonNull(method);
            Objects.requireNonNull(options);
            Objects.requireNonNull(listener);
            Objects.requireNonNull(reply);
        }

        Baseline(
                String model,
                Targets targets,
                Method method,
                BaselineOptions options,
                MapListener listener) {
            this(model, targets, method, options, listener, new CompletableFuture<>());
        }

        @Override
        public Object batchKey() {
            return List.of("baseline", model, targets.height(), targets.width());
        }

        @Override
        public <T> T accept(Kinds<T> kinds) {
            return kinds.baseline(this);
        }
    }
}
