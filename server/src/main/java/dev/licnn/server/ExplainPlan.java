package dev.licnn.server;

import dev.licnn.engine.baseline.BaselineOptions;
import dev.licnn.engine.baseline.Method;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Targets;
import dev.licnn.engine.licnn.LicnnOptions;
import dev.licnn.engine.model.ModelCard;
import dev.licnn.proto.v1.ExplainMethod;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed explain request that passed every check that needs no image: what to explain and how to
 * send it. It builds its own typed {@link Work} once the image is prepared. The kind of plan is the
 * explaining method: {@link LicnnPlan} or {@link BaselinePlan}.
 */
sealed interface ExplainPlan permits ExplainPlan.LicnnPlan, ExplainPlan.BaselinePlan {

    /** The served model (or variant). */
    ModelCard model();

    /** The classes to explain. */
    ClassChoice classes();

    /** How the maps are encoded and what is left out. */
    Emission emission();

    /** Feature-ReLU indices whose layers are selected, or null for all. */
    Set<Integer> layers();

    /** The method as the contract names it. */
    ExplainMethod method();

    /** LICNN's options in effect (reported in {@code accepted}). */
    LicnnOptions licnnOptions();

    /** LICNN's intermediate map kinds to stream; empty for a baseline. */
    Set<MapKind> kinds();

    /** Whether the run ends with an {@code inhibited_ranking} (LICNN's logits after inhibition). */
    boolean inhibitedRanking();

    /** The estimated compute of the work ({@link CostModel}); no map bytes. */
    CostModel.Cost compute();

    /** The work for the prepared image, streaming to {@code listener}. */
    Work.Explaining work(Targets targets, MapListener listener);

    /** LICNN saliency, with its intermediate maps. */
    record LicnnPlan(
            ModelCard model,
            ClassChoice classes,
            Emission emission,
            Set<Integer> layers,
            LicnnOptions licnnOptions,
            Set<MapKind> kinds)
            implements ExplainPlan {
        public LicnnPlan {
            Objects.requireNonNull(model);
            Objects.requireNonNull(classes);
            Objects.requireNonNull(emission);
            layers = layers == null ? null : Set.copyOf(layers);
            Objects.requireNonNull(licnnOptions);
            kinds = Set.copyOf(kinds);
        }

        @Override
        public ExplainMethod method() {
            return ExplainMethod.EXPLAIN_METHOD_LICNN;
        }

        @Override
        public boolean inhibitedRanking() {
            return true;
        }

        @Override
        public CostModel.Cost compute() {
            return CostModel.licnn(classes.count());
        }

        @Override
        public Work.Licnn work(Targets targets, MapListener listener) {
            return new Work.Licnn(model.name(), targets, licnnOptions, kinds, layers, listener);
        }
    }

    /** A baseline attribution method; no intermediate maps. */
    record BaselinePlan(
            ModelCard model,
            ClassChoice classes,
            Emission emission,
            Set<Integer> layers,
            LicnnOptions licnnOptions,
            ExplainMethod method,
            Method baseline,
            BaselineOptions baselineOptions)
            implements ExplainPlan {
        public BaselinePlan {
            Objects.requireNonNull(model);
            Objects.requireNonNull(classes);
            Objects.requireNonNull(emission);
            layers = layers == null ? null : Set.copyOf(layers);
            Objects.requireNonNull(licnnOptions);
            Objects.requireNonNull(method);
            Objects.requireNonNull(baseline);
            Objects.requireNonNull(baselineOptions);
        }

        @Override
        public Set<MapKind> kinds() {
            return Set.of();
        }

        @Override
        public boolean inhibitedRanking() {
            return false;
        }

        @Override
        public CostModel.Cost compute() {
            return CostModel.baseline(baseline, baselineOptions, classes.count());
        }

        @Override
        public Work.Baseline work(Targets targets, MapListener listener) {
            return new Work.Baseline(model.name(), targets, baseline, baselineOptions, listener);
        }
    }

    /**
     * The classes a request explains, checked against its model: explicit ones in order, or the top
     * {@code topK}.
     *
     * @param classIds explicit classes, or null for the top k
     */
    record ClassChoice(int topK, int[] classIds) {

        /** How many classes will be explained. */
        int count() {
            return classIds != null ? classIds.length : topK;
        }

        /** The engine's targets for a prepared image. */
        Targets targets(ImageDecoder.PreparedInput in) {
            return Targets.of(in.chw(), in.height(), in.width(), topK, classIds);
        }
    }

    /**
     * How the maps of a run are sent.
     *
     * @param outH output height, or 0 for the map's own size (with {@code outW})
     */
    record Emission(
            dev.licnn.proto.v1.MapEncoding encoding,
            int outH,
            int outW,
            boolean omitAttention,
            boolean omitSaliency,
            int rankingSize) {

        dev.licnn.proto.v1.MapData encode(dev.licnn.engine.explain.FloatMap map) {
            return MapEncoder.encode(map, encoding, outH, outW);
        }
    }
}
