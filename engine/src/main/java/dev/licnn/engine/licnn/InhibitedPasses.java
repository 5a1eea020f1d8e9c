package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.licnn.engine.explain.ClassAttention;
import dev.licnn.engine.explain.FloatMap;
import dev.licnn.engine.explain.MapKind;
import dev.licnn.engine.explain.MapListener;
import dev.licnn.engine.model.FeatureNetwork;
import java.util.Arrays;
import java.util.List;

/**
 * Steps 3-5 of {@code docs/LICNN.md} for a set of (image, class) rows whose Max-C maps exist: the
 * gates of every layer, one inhibited forward pass of all rows, the attention maps, and the events
 * of each row in order (its layer maps, then its attention map).
 *
 * <p>Everything stays on the network's device until the end: the host receives the attention maps
 * and logits (one copy each), and a layer map only when a job asked to stream it (one copy per
 * map).
 */
final class InhibitedPasses {

    /** One map to compute: a class of an image of the call. */
    record Row(PredictedJob job, int rank) {
        /** The row's image in the call's batch. */
        int image() {
            return job.image();
        }

        int classId() {
            return job.classId(rank);
        }

        LicnnOptions options() {
            return job.options();
        }
    }

    /** Where a stage's time goes. */
    @FunctionalInterface
    interface Stages {
        long stage(String name, long since);
    }

    private final FeatureNetwork net;
    private final EngineConfig config;
    private final List<Shape> shapes;
    private final int reluCount;
    private final int numClasses;
    private final Stages stages;

    InhibitedPasses(FeatureNetwork net, EngineConfig config, List<Shape> shapes, Stages stages) {
        this.net = net;
        this.config = config;
        this.shapes = shapes;
        this.reluCount = shapes.size();
        this.numClasses = net.architecture().numClasses();
        this.stages = stages;
    }

    /**
     * Runs the rows; {@code maxC} (one K x 1 x H x W array per layer, K = rows) is closed here.
     *
     * @param x the call's images, n x 3 x h x w; not closed
     */
    void run(NDManager call, List<Row> rows, NDArray[] maxC, NDArray x, int h, int w) {
        try (NDManager u = call.newSubManager()) {
            for (NDArray a : maxC) {
                a.attach(u);
            }
            long t = System.nanoTime();
            LayerGate[] gates;
            if (config.inhibition() == EngineConfig.Inhibition.JAVA) {
                List<LicnnOptions> options = rows.stream().map(Row::options).toList();
                gates =
                        JavaGates.compute(
                                u, options, maxC, shapes, GateThreads.threadsOfThisThread());
            } else {
                gates = new LayerGate[reluCount];
                for (int l = 0; l < reluCount; l++) {
                    gates[l] = tensorGate(rows, maxC[l]);
                }
            }
            t = stages.stage("inhibition", t);
            masked(u, rows, gates, x, h, w, t);
        }
    }

    /**
     * Steps 4-5: the inhibited forward pass of the rows with their gates, attention maps, events.
     */
    private void masked(
            NDManager u, List<Row> rows, LayerGate[] gates, NDArray x, int h, int w, long since) {
        long t = since;
        NDArray xin = rowsOf(x, rows);
        if (xin != x) {
            xin.attach(u);
        }
        NDArray lastKeep = lastLayerKeep(u, rows, gates[reluCount - 1].keep);
        NDArray[] sums = new NDArray[reluCount];
        NDArray pooled =
                net.features(
                        xin,
                        (l, a) -> {
                            NDArray out = a;
                            NDArray keep = l < reluCount - 1 ? gates[l].keep : lastKeep;
                            if (keep != null) {
                                out = a.muli(keep); // no gradients here: the ReLU output is not
                                // needed as it was
                            }
                            sums[l] = out.sum(new int[] {1}, true);
                            sums[l].attach(u);
                            return out;
                        });
        float[] logitsAfter;
        try (NDArray lg = net.classifier(pooled)) {
            logitsAfter = lg.toFloatArray();
        }
        pooled.close();
        t = stages.stage("masked_forward", t);

        float[] attention = attention(u, rows, sums, h, w);
        emit(rows, gates, sums, attention, logitsAfter, h, w);
        stages.stage("attention", t);
    }

    private LayerGate tensorGate(List<Row> rows, NDArray maxC) {
        int k = rows.size();
        int[] liz = new int[k];
        float[] a = new float[k];
        float[] b = new float[k];
        for (int i = 0; i < k; i++) {
            LicnnOptions o = rows.get(i).options();
            liz[i] = o.lizSize();
            a[i] = o.a();
            b[i] = o.b();
        }
        TensorInhibition.Gates g = TensorInhibition.apply(maxC, liz, a, b);
        LayerGate gate =
                new LayerGate() {
                    @Override
                    float[] m(int row) {
                        return rowToHost(g.m(), row);
                    }

                    @Override
                    float[] li(int row) {
                        return rowToHost(g.li(), row);
                    }

                    @Override
                    float[] gated(int row) {
                        try (NDArray mr = g.m().get(row);
                                NDArray kr = g.keep().get(row);
                                NDArray prod = mr.mul(kr)) {
                            return prod.toFloatArray();
                        }
                    }
                };
        gate.keep = g.keep();
        return gate;
    }

    private static float[] rowToHost(NDArray a, int row) {
        try (NDArray r = a.get(row)) {
            return r.toFloatArray();
        }
    }

    /** The keep mask applied after the last feature ReLU, or null when no row inhibits it. */
    private static NDArray lastLayerKeep(NDManager u, List<Row> rows, NDArray keep) {
        int k = rows.size();
        float[] f = new float[k];
        int n = 0;
        for (int i = 0; i < k; i++) {
            if (rows.get(i).options().inhibitLastRelu()) {
                f[i] = 1f;
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        if (n == k) {
            return keep;
        }
        // keep * f + (1 - f): rows that do not inhibit the last ReLU keep every location.
        try (NDArray ft = u.create(f, new Shape(k, 1, 1, 1));
                NDArray rest = ft.neg().addi(1f);
                NDArray kf = keep.mul(ft)) {
            return kf.add(rest);
        }
    }

    /**
     * The input image of each row (the call's array itself when the rows are its images in order).
     */
    private static NDArray rowsOf(NDArray x, List<Row> rows) {
        long n = x.getShape().get(0);
        boolean identity = rows.size() == n;
        for (int i = 0; identity && i < rows.size(); i++) {
            identity = rows.get(i).image() == i;
        }
        if (identity) {
            return x;
        }
        NDList parts = new NDList(rows.size());
        for (Row r : rows) {
            parts.add(x.get(new NDIndex("{}:{}", r.image(), r.image() + 1)));
        }
        try (parts) {
            return NDArrays.concat(parts, 0);
        }
    }

    /**
     * Attention maps of all rows, K x h x w, on the host; {@code sums} are left open for streaming.
     */
    private float[] attention(NDManager u, List<Row> rows, NDArray[] sums, int h, int w) {
        int k = rows.size();
        float[] perLayer = new float[k];
        int nPer = 0;
        for (int i = 0; i < k; i++) {
            if (rows.get(i).options().perLayerNormalization()) {
                perLayer[i] = 1f;
                nPer++;
            }
        }
        NDArray plMask =
                nPer > 0 && nPer < k ? u.create(toBool(perLayer), new Shape(k, 1, 1, 1)) : null;
        NDArray acc = null;
        for (int l = 0; l < reluCount; l++) {
            NDArray s = sums[l];
            if (nPer == k) {
                s = TensorInhibition.l2Normalize(s);
            } else if (plMask != null) {
                try (NDArray norm = TensorInhibition.l2Normalize(s)) {
                    s = TensorInhibition.whereRows(plMask, norm, s);
                }
            }
            NDArray up = upsample(u, s, h, w);
            if (s != sums[l]) {
                s.close();
            }
            if (acc == null) {
                acc = up;
            } else {
                acc.addi(up);
                up.close();
            }
        }
        try (NDArray att = TensorInhibition.l2Normalize(acc)) {
            acc.close();
            return att.toFloatArray();
        } finally {
            if (plMask != null) {
                plMask.close();
            }
        }
    }

    private static boolean[] toBool(float[] f) {
        boolean[] b = new boolean[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = f[i] != 0;
        }
        return b;
    }

    /**
     * Nearest-neighbour resize of K x 1 x lh x lw to K x 1 x h x w, with {@link
     * AttentionMaps#nearestSource}'s indices.
     */
    static NDArray upsample(NDManager u, NDArray s, int h, int w) {
        int lh = (int) s.getShape().get(2);
        int lw = (int) s.getShape().get(3);
        if (lh == h && lw == w) {
            return s.duplicate();
        }
        if (h % lh == 0 && w % lw == 0) {
            // An integer factor f maps output index y to floor(y / f): each value repeated f times.
            try (NDArray rowsUp = s.repeat(2, h / lh)) {
                return rowsUp.repeat(3, w / lw);
            }
        }
        long[] ri = new long[h];
        for (int y = 0; y < h; y++) {
            ri[y] = AttentionMaps.nearestSource(y, lh, h);
        }
        long[] ci = new long[w];
        for (int x = 0; x < w; x++) {
            ci[x] = AttentionMaps.nearestSource(x, lw, w);
        }
        try (NDArray rIdx = u.create(ri);
                NDArray cIdx = u.create(ci);
                NDArray r = s.get(new NDIndex(":, :, {}", rIdx))) {
            return r.get(new NDIndex(":, :, :, {}", cIdx));
        }
    }

    private void emit(
            List<Row> rows,
            LayerGate[] gates,
            NDArray[] sums,
            float[] attention,
            float[] logitsAfter,
            int h,
            int w) {
        int hw = h * w;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            PredictedJob s = row.job();
            if (!s.running()) {
                continue;
            }
            JobProgress progress = s.progress();
            MapListener listener = s.job().listener();
            int rank = row.rank();
            int classId = row.classId();
            final int ri = i;
            for (int l = 0; l < reluCount; l++) {
                int lh = (int) shapes.get(l).get(1);
                int lw = (int) shapes.get(l).get(2);
                final int layer = l;
                LayerGate g = gates[l];
                if (s.wants(MapKind.GRADIENT_MAX_C, l)) {
                    progress.emit(
                            () ->
                                    listener.onLayerMap(
                                            rank,
                                            classId,
                                            layer,
                                            MapKind.GRADIENT_MAX_C,
                                            new FloatMap(lh, lw, g.m(ri))));
                }
                if (s.wants(MapKind.INHIBITION, l)) {
                    progress.emit(
                            () ->
                                    listener.onLayerMap(
                                            rank,
                                            classId,
                                            layer,
                                            MapKind.INHIBITION,
                                            new FloatMap(lh, lw, g.li(ri))));
                }
                if (s.wants(MapKind.SUPPRESSION_MASK, l)) {
                    progress.emit(
                            () ->
                                    listener.onLayerMap(
                                            rank,
                                            classId,
                                            layer,
                                            MapKind.SUPPRESSION_MASK,
                                            new FloatMap(lh, lw, g.gated(ri))));
                }
                if (s.wants(MapKind.RESPONSE_BEFORE, l)) {
                    int lhw = lh * lw;
                    float[] b = s.responseBefore(l, lhw);
                    progress.emit(
                            () ->
                                    listener.onLayerMap(
                                            rank,
                                            classId,
                                            layer,
                                            MapKind.RESPONSE_BEFORE,
                                            new FloatMap(lh, lw, b)));
                }
            }
            for (int l = 0; l < reluCount; l++) {
                if (s.wants(MapKind.RESPONSE_AFTER, l)) {
                    int lh = (int) shapes.get(l).get(1);
                    int lw = (int) shapes.get(l).get(2);
                    final int layer = l;
                    float[] after = rowToHost(sums[l], ri);
                    progress.emit(
                            () ->
                                    listener.onLayerMap(
                                            rank,
                                            classId,
                                            layer,
                                            MapKind.RESPONSE_AFTER,
                                            new FloatMap(lh, lw, after)));
                }
            }
            FloatMap att = new FloatMap(h, w, Arrays.copyOfRange(attention, i * hw, (i + 1) * hw));
            float[] la = Arrays.copyOfRange(logitsAfter, i * numClasses, (i + 1) * numClasses);
            ClassAttention ca = new ClassAttention(rank, classId, att, la);
            progress.attention(ca);
        }
    }
}
