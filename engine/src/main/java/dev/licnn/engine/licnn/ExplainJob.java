package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.ExplainingJob;
import dev.licnn.engine.explain.JobSpec;
import dev.licnn.engine.explain.MapKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * One image to explain: a prepared input tensor, the classes to explain, the LICNN options, which
 * intermediate maps to hand to the listener, and a cancellation check.
 *
 * <pre>{@code
 * ExplainJob job = ExplainJob.builder()
 *         .setInput(chw, 224, 224)
 *         .optTopK(5)
 *         .optMapKinds(EnumSet.of(MapKind.SUPPRESSION_MASK))
 *         .optListener(listener)
 *         .build();
 * }</pre>
 */
public final class ExplainJob implements ExplainingJob {

    private final JobSpec spec;
    private final LicnnOptions options;
    private final Set<MapKind> mapKinds;
    private final Set<Integer> layers;

    private ExplainJob(Builder b, JobSpec spec) {
        this.spec = spec;
        this.options = b.options;
        this.mapKinds = Collections.unmodifiableSet(EnumSet.copyOf(b.mapKinds));
        this.layers =
                b.layers == null ? null : Collections.unmodifiableSet(new TreeSet<>(b.layers));
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public JobSpec spec() {
        return spec;
    }

    public LicnnOptions options() {
        return options;
    }

    public Set<MapKind> mapKinds() {
        return mapKinds;
    }

    /** Whether maps of {@code kind} at {@code layer} go to the listener. */
    public boolean wants(MapKind kind, int layer) {
        return mapKinds.contains(kind) && (layers == null || layers.contains(layer));
    }

    /** Builder; {@link #build()} validates. */
    public static final class Builder extends JobSpec.Builder<Builder> {
        private LicnnOptions options = LicnnOptions.defaults();
        private Set<MapKind> mapKinds = EnumSet.noneOf(MapKind.class);
        private Set<Integer> layers;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        public Builder optOptions(LicnnOptions opts) {
            this.options = opts;
            return this;
        }

        public Builder optMapKinds(Set<MapKind> kinds) {
            this.mapKinds = kinds.isEmpty() ? EnumSet.noneOf(MapKind.class) : EnumSet.copyOf(kinds);
            return this;
        }

        /** Feature-ReLU indices whose maps are wanted; null (the default) means all. */
        public Builder optLayers(Set<Integer> layerIndices) {
            this.layers = layerIndices;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the problem (shape, non-finite values, k,
         *     classes)
         */
        public ExplainJob build() {
            if (options == null || specHasNull() || mapKinds == null) {
                throw new IllegalArgumentException(
                        "options, listener, cancellation and map kinds must not be null");
            }
            return new ExplainJob(this, buildSpec());
        }
    }
}
