package dev.licnn.engine.licnn;

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

/**
 * The fixtures made by {@code src/test/python/make_golden.py} (see {@code golden/README.md}): the narrow
 * VGG-16 of {@code golden/weights.safetensors} and the cases of one fixture set.
 */
final class GoldenFixtures implements AutoCloseable {

    static final String[] SETS = GoldenTolerances.FIXTURE_SETS;

    static final int[] NARROW_LAYERS = {8, 8, VggSpec.POOL, 16, 16, VggSpec.POOL, 32, 32, 32, VggSpec.POOL,
        32, 32, 32, VggSpec.POOL, 32, 32, 32, VggSpec.POOL};

    static final VggSpec SPEC = VggSpec.custom("vgg16-narrow", NARROW_LAYERS, false, 64, 10, 224);

    final NDManager manager = NDManager.newBaseManager(Device.cpu());
    final VggNetwork network;
    final SafeTensorsFile cases;

    GoldenFixtures() {
        this("golden", "cases.safetensors");
    }

    /** The network and the file {@code name} of fixture set {@code set} (a folder of the test resources). */
    GoldenFixtures(String set, String name) {
        try (StateDict weights = StateDict.fromSafeTensors(path("weights.safetensors"), manager)) {
            network = VggNetwork.create(SPEC, weights.asMap(), Device.cpu());
            cases = SafeTensors.open(resource("/" + set + "/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path path(String name) {
        return resource("/golden/" + name);
    }

    private static Path resource(String name) {
        try {
            return Paths.get(GoldenFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean has(String name) {
        return cases.names().contains(name);
    }

    float[] floats(String name) {
        try (NDArray a = cases.load(name, manager)) {
            return a.toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int[] ints(String name) {
        try (NDArray a = cases.load(name, manager)) {
            long[] v = a.toLongArray();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = (int) v[i];
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double relL2(float[] a, float[] b) {
        return GoldenTolerances.relL2(a, b);
    }

    @Override
    public void close() throws IOException {
        cases.close();
        network.close();
        manager.close();
    }
}
