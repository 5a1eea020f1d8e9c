package dev.licnn.engine.baseline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.licnn.engine.GoldenTolerances;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggNetwork;
import dev.licnn.engine.model.VggSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * The narrow VGG-16 and images of {@code golden/cases.safetensors} and the baseline maps of
 * {@code golden/baselines.safetensors} (made by {@code src/test/python/make_golden_baselines.py}).
 */
final class BaselineFixtures implements AutoCloseable {

    static final int[] NARROW_LAYERS = {8, 8, VggSpec.POOL, 16, 16, VggSpec.POOL, 32, 32, 32, VggSpec.POOL,
        32, 32, 32, VggSpec.POOL, 32, 32, 32, VggSpec.POOL};

    static final VggSpec SPEC = VggSpec.custom("vgg16-narrow", NARROW_LAYERS, false, 64, 10, 224);

    static final int HW = 224 * 224;

    final NDManager manager = NDManager.newBaseManager(Device.cpu());
    final VggNetwork network;
    private final SafeTensorsFile cases;
    private final SafeTensorsFile baselines;

    static final String[] SETS = GoldenTolerances.FIXTURE_SETS;

    BaselineFixtures() {
        this("golden");
    }

    /** The network of {@code golden/weights.safetensors} and the cases and maps of fixture set {@code set}. */
    BaselineFixtures(String set) {
        try (StateDict weights = StateDict.fromSafeTensors(path("/golden/weights.safetensors"), manager)) {
            network = VggNetwork.create(SPEC, weights.asMap(), Device.cpu());
            cases = SafeTensors.open(path("/" + set + "/cases.safetensors"));
            baselines = SafeTensors.open(path("/" + set + "/baselines.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path path(String name) {
        try {
            return Paths.get(BaselineFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    float[] input(int img) {
        return load(cases, "img" + img + ".input", false).floats;
    }

    /** A tensor of {@code baselines.safetensors} as floats. */
    float[] floats(String name) {
        return load(baselines, name, false).floats;
    }

    /** Map {@code rank} of a [k, 224, 224] tensor. */
    float[] map(String name, int rank) {
        return Arrays.copyOfRange(floats(name), rank * HW, (rank + 1) * HW);
    }

    int[] ints(String name) {
        long[] v = load(baselines, name, true).longs;
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    private static final class Values {
        float[] floats;
        long[] longs;
    }

    private Values load(SafeTensorsFile file, String name, boolean integer) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray a = file.load(name, tmp);
            Values v = new Values();
            if (integer) {
                v.longs = a.toLongArray();
            } else {
                v.floats = a.toFloatArray();
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double relL2(float[] a, float[] b) {
        return GoldenTolerances.relL2(a, b);
    }

    /** The L2-normalised sum of maps (the saliency convention), in double precision. */
    static float[] normalizedSum(float[]... maps) {
        double[] acc = new double[maps[0].length];
        for (float[] m : maps) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += m[i];
            }
        }
        return BaselineMaps.normalized(acc);
    }

    @Override
    public void close() throws IOException {
        cases.close();
        baselines.close();
        network.close();
        manager.close();
    }
}
