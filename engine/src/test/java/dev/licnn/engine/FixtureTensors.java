package dev.licnn.engine;

import ai.djl.ndarray.NDManager;
import dev.licnn.engine.model.SafeTensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reading one fixture tensor as Java arrays, for the fixture-set classes of this package. */
final class FixtureTensors {

    private FixtureTensors() {}

    /**
     * Tensor {@code name} of {@code file} as floats, read through a sub-manager of {@code manager}.
     */
    static float[] floats(SafeTensorsFile file, String name, NDManager manager) {
        try (NDManager tmp = manager.newSubManager()) {
            return file.load(name, tmp).toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tensor {@code name} of {@code file} (integers) as ints. */
    static int[] ints(SafeTensorsFile file, String name, NDManager manager) {
        try (NDManager tmp = manager.newSubManager()) {
            long[] v = file.load(name, tmp).toLongArray();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = Math.toIntExact(v[i]);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
