package dev.licnn.engine.licnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InhibitedPassesTest {

    @Test
    void upsample_onDevice_picksTheSameSourcesAsTheHostResize() {
        int[][] cases = {{14, 14, 224, 224}, {12, 15, 200, 232}, {25, 29, 200, 232}, {7, 7, 7, 7}};
        Random rnd = new Random(5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int[] c : cases) {
                int lh = c[0];
                int lw = c[1];
                int h = c[2];
                int w = c[3];
                float[][] maps = new float[2][lh * lw];
                float[] both = new float[2 * lh * lw];
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < lh * lw; i++) {
                        maps[k][i] = (float) rnd.nextGaussian();
                        both[k * lh * lw + i] = maps[k][i];
                    }
                }
                NDArray s = m.create(both, new Shape(2, 1, lh, lw));
                float[] got;
                try (NDArray up = InhibitedPasses.upsample(m, s, h, w)) {
                    got = up.toFloatArray();
                }
                float[] expected = new float[2 * h * w];
                for (int k = 0; k < 2; k++) {
                    double[] acc = new double[h * w];
                    AttentionMaps.addUpsampled(maps[k], lh, lw, acc, h, w, 1.0);
                    for (int i = 0; i < acc.length; i++) {
                        expected[k * h * w + i] = (float) acc[i];
                    }
                }
                assertArrayEquals(expected, got, lh + "x" + lw + " -> " + h + "x" + w);
            }
        }
    }
}
