package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;

/**
 * The lateral-inhibition model of {@code docs/LICNN.md} as tensor operations on the maps' own
 * device, for many maps of one layer at once (images and classes stacked along the first axis).
 *
 * <p>The same arithmetic as {@link LateralInhibition}: the average term is a k x k average pool
 * that counts the zero padding, the differential term stacks the k*k - 1 shifted windows of the
 * zero-padded map and takes their weighted sum of {@code max(P_uv, M) - M} (which equals {@code
 * max(0, P_uv - M)} exactly), the gate is {@code M > LI}. Only summation order differs from the
 * Java path, so the two agree to float rounding and their masks differ only where {@code |M - LI|}
 * is at rounding level.
 *
 * <p>Every array it returns belongs to the manager of the input; intermediates are closed.
 *
 * <pre>{@code
 * Gates g = TensorInhibition.apply(maxC, liz, a, b);   // maxC: K x 1 x H x W
 * NDArray keep = g.keep();                            // K x 1 x H x W, 1 = kept, 0 = suppressed
 * }</pre>
 */
public final class TensorInhibition {

    private TensorInhibition() {}

    /** The maps of one layer: M and LI after their L2 normalisation, and the 0/1 keep mask. */
    public record Gates(NDArray m, NDArray li, NDArray keep) implements AutoCloseable {
        @Override
        public void close() {
            m.close();
            li.close();
            keep.close();
        }
    }

    /**
     * Gates a stack of Max-C maps.
     *
     * @param maxC K x 1 x H x W Max-C maps (not yet normalised); not closed
     * @param liz LIZ side of each of the K maps (odd)
     * @param a weight of the average term of each map
     * @param b weight of the differential term of each map
     */
    public static Gates apply(NDArray maxC, int[] liz, float[] a, float[] b) {
        int rows = (int) maxC.getShape().get(0);
        if (liz.length != rows || a.length != rows || b.length != rows) {
            throw new IllegalArgumentException("one LIZ size, a and b per map: " + rows + " maps");
        }
        NDManager mgr = maxC.getManager();
        NDArray m = l2Normalize(maxC);
        NDArray li = null;
        try (NDArray aT = mgr.create(a, new Shape(rows, 1, 1, 1));
                NDArray bT = mgr.create(b, new Shape(rows, 1, 1, 1))) {
            int[] sizes = Arrays.stream(liz).distinct().toArray();
            for (int k : sizes) {
                NDArray lk = inhibition(m, k, aT, bT);
                if (sizes.length == 1) {
                    li = lk;
                    break;
                }
                boolean[] sel = new boolean[rows];
                for (int r = 0; r < rows; r++) {
                    sel[r] = liz[r] == k;
                }
                if (li == null) {
                    li = lk;
                } else {
                    try (NDArray s = mgr.create(sel, new Shape(rows, 1, 1, 1));
                            NDArray prev = li;
                            NDArray cur = lk) {
                        li = whereRows(s, cur, prev);
                    }
                }
            }
        }
        NDArray liN = l2Normalize(li);
        li.close();
        NDArray keep;
        try (NDArray gt = m.gt(liN)) {
            keep = gt.toType(DataType.FLOAT32, false);
        }
        return new Gates(m, liN, keep);
    }

    /** The un-normalised LI map of {@code m} (K x 1 x H x W) for LIZ side {@code k}. */
    static NDArray inhibition(NDArray m, int k, NDArray aT, NDArray bT) {
        if (k % 2 == 0 || k < 1) {
            throw new IllegalArgumentException("LIZ size must be odd, got " + k);
        }
        int p = k / 2;
        long h = m.getShape().get(2);
        long w = m.getShape().get(3);
        NDArray avgTerm;
        try (NDArray avg =
                        Pool.avgPool2d(
                                m, new Shape(k, k), new Shape(1, 1), new Shape(p, p), false, true);
                NDArray neg = avg.neg()) {
            avgTerm = neg.exp().muli(aT);
        }
        if (k == 1) {
            return avgTerm;
        }
        float[] weights = new float[k * k - 1];
        NDList windows = new NDList(k * k - 1);
        try (NDArray padded = m.pad(new Shape(p, p, p, p), 0)) {
            int o = 0;
            for (int du = -p; du <= p; du++) {
                for (int dv = -p; dv <= p; dv++) {
                    if (du == 0 && dv == 0) {
                        continue;
                    }
                    double d = Math.sqrt((double) du * du + (double) dv * dv) / k;
                    weights[o++] = (float) (d * Math.exp(-d));
                    windows.add(
                            padded.get(
                                    new NDIndex(
                                            ":, 0, {}:{}, {}:{}",
                                            p + du,
                                            p + du + h,
                                            p + dv,
                                            p + dv + w)));
                }
            }
            NDArray diff;
            try (NDArray stacked = NDArrays.stack(windows, 1);
                    NDArray wT =
                            m.getManager().create(weights, new Shape(1, weights.length, 1, 1));
                    NDArray mx = stacked.maximum(m)) {
                mx.subi(m).muli(wT);
                diff = mx.sum(new int[] {1}, true);
            }
            try (diff) {
                return avgTerm.addi(diff.muli(bT));
            }
        } finally {
            windows.close();
        }
    }

    /** {@code rows ? x : y} row by row; {@code rows} is a K x 1 x 1 x 1 boolean array. */
    static NDArray whereRows(NDArray rows, NDArray x, NDArray y) {
        try (NDArray cond = rows.broadcast(x.getShape())) {
            return NDArrays.where(cond, x, y);
        }
    }

    /**
     * {@code v / ||v||} per map (L2 over the map); a map whose norm is 0 or not finite is left as
     * it is.
     */
    static NDArray l2Normalize(NDArray v) {
        try (NDArray sq = v.square();
                NDArray ss = sq.sum(new int[] {1, 2, 3}, true);
                NDArray n = ss.sqrt();
                NDArray pos = n.gt(0);
                NDArray fin = n.lt(Float.POSITIVE_INFINITY);
                NDArray ok = pos.logicalAnd(fin);
                NDArray one = n.onesLike();
                NDArray div = NDArrays.where(ok, n, one)) {
            return v.div(div);
        }
    }
}
