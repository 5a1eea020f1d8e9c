package dev.licnn.engine.licnn;

import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.explain.Targets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

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
public final class ExplainJob {

    private final Targets targets;
    private final LicnnOptions options;
    private final Set<MapKind> mapKinds;
    private final Set<Integer> layers;
    private final MapListener listener;
    private final BooleanSupplier cancelled;

    private ExplainJob(Builder b) {
        // Targets checked once where they were made (setTargets); otherwise here.
        this.targets =
                b.targets != null
                        ? b.targets
                        : Targets.of(b.input, b.height, b.width, b.topK, b.classIds);
        this.options = b.options;
        this.mapKinds = Collections.unmodifiableSet(EnumSet.copyOf(b.mapKinds));
        this.layers =
                b.layers == null ? null : Collections.unmodifiableSet(new TreeSet<>(b.layers));
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
        private LicnnOptions options = LicnnOptions.defaults();
        private Set<MapKind> mapKinds = EnumSet.noneOf(MapKind.class);
        private Set<Integer> layers;
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
        public ExplainJob build() {
            if (options == null || listener == null || cancelled == null || mapKinds == null) {
                throw new IllegalArgumentException(
                        "options, listener, cancellation and map kinds must not be null");
            }
            return new ExplainJob(this);
        }
    }
}
