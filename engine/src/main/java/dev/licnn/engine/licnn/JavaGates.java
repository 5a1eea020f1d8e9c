package dev.licnn.engine.licnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lateral-inhibition gates of a call computed in Java ({@link LateralInhibition}): the Max-C
 * maps come to the host (one copy per layer), each (layer, row) map is normalised, inhibited and
 * gated on {@link GateThreads}, and the keep masks go back to the device (one copy per layer). The
 * maps a client may stream stay on the host. On a CPU this is faster than {@link TensorInhibition}
 * (README, "Measured performance").
 *
 * <pre>{@code
 * LayerGate[] gates = JavaGates.compute(manager, options, maxC, shapes, GateThreads.threadsOfThisThread());
 * }</pre>
 */
final class JavaGates {

    private JavaGates() {}

    /**
     * The gates of every layer for the rows of a call.
     *
     * @param options each row's LICNN options (LIZ size, a, b)
     * @param maxC per layer, the rows' Max-C maps (rows x 1 x H x W); closed here
     * @param shapes per layer, C x H x W
     * @param threads threads to gate on, the calling one included
     * @return per layer, the keep mask on the device (owned by {@code u}) and the host maps
     */
    static LayerGate[] compute(
            NDManager u,
            List<LicnnOptions> options,
            NDArray[] maxC,
            List<Shape> shapes,
            int threads) {
        HostGates g = prepare(options, maxC, shapes);
        GateThreads.run(g.tasks, threads);
        return toDevice(u, g, shapes);
    }

    /**
     * The Java gates of some rows, on the host: their Max-C maps copied from the device (one copy
     * per layer; {@code maxC} is closed here) and one task per (layer, row) map that normalises it,
     * computes its inhibition map and its keep mask. The tasks run on {@link GateThreads}.
     */
    private static HostGates prepare(
            List<LicnnOptions> options, NDArray[] maxC, List<Shape> shapes) {
        int k = options.size();
        int reluCount = shapes.size();
        HostGates g = new HostGates(k, reluCount);
        for (int l = 0; l < reluCount; l++) {
            int lh = (int) shapes.get(l).get(1);
            int lw = (int) shapes.get(l).get(2);
            int hw = lh * lw;
            float[] all;
            try (NDArray a = maxC[l]) {
                all = a.toFloatArray();
            }
            g.keeps[l] = new float[k * hw];
            for (int i = 0; i < k; i++) {
                final int layer = l;
                final int row = i;
                LicnnOptions o = options.get(i);
                long cost = (long) hw * o.lizSize() * o.lizSize();
                g.tasks.add(
                        new GateThreads.Task(
                                cost,
                                () -> {
                                    float[] m = Arrays.copyOfRange(all, row * hw, (row + 1) * hw);
                                    LateralInhibition.l2NormalizeInPlace(m);
                                    float[] li = new float[hw];
                                    LateralInhibition.inhibition(
                                            m, lh, lw, o.lizSize(), o.a(), o.b(), li);
                                    LateralInhibition.keep(m, li, g.keeps[layer], row * hw);
                                    g.ms[layer][row] = m;
                                    g.lis[layer][row] = li;
                                }));
            }
        }
        return g;
    }

    /** The host side of some rows' Java gates: filled in by their tasks. */
    private static final class HostGates {
        final int rows;
        final float[][][] ms;
        final float[][][] lis;
        final float[][] keeps;
        final List<GateThreads.Task> tasks = new ArrayList<>();

        HostGates(int rows, int layers) {
            this.rows = rows;
            this.ms = new float[layers][rows][];
            this.lis = new float[layers][rows][];
            this.keeps = new float[layers][];
        }
    }

    /** One gate per layer over the rows; the keep masks go to the device (one copy per layer). */
    private static LayerGate[] toDevice(NDManager u, HostGates g, List<Shape> shapes) {
        LayerGate[] gates = new LayerGate[shapes.size()];
        for (int l = 0; l < gates.length; l++) {
            int lh = (int) shapes.get(l).get(1);
            int lw = (int) shapes.get(l).get(2);
            int hw = lh * lw;
            float[][] ms = g.ms[l];
            float[][] lis = g.lis[l];
            float[] kept = g.keeps[l];
            LayerGate gate =
                    new LayerGate() {
                        @Override
                        float[] m(int row) {
                            return ms[row];
                        }

                        @Override
                        float[] li(int row) {
                            return lis[row];
                        }

                        @Override
                        float[] gated(int row) {
                            float[] m = ms[row];
                            float[] out = new float[hw];
                            for (int j = 0; j < hw; j++) {
                                out[j] = kept[row * hw + j] != 0f ? m[j] : 0f;
                            }
                            return out;
                        }
                    };
            gate.keep = u.create(kept, new Shape(g.rows, 1, lh, lw));
            gates[l] = gate;
        }
        return gates;
    }
}
