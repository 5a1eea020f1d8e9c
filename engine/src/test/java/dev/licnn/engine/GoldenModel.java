package dev.licnn.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
 * What the golden fixtures are made from, and which no CPU changes: the narrow VGG-16 of {@code
 * golden/weights.safetensors} and the images of {@code golden/inputs.safetensors} ({@code
 * make_golden_inputs.py} checks that every fixture set holds the same inputs).
 *
 * <p>Tests that only need a fixed network and fixed images use this. The expected outputs, which
 * depend on the CPU that made them, come only from {@link GoldenFixtures}, one per fixture set.
 */
public final class GoldenModel implements AutoCloseable {

    /** The widths of the narrow VGG-16 (torchvision cfg "D" shape). */
    public static final int[] NARROW_LAYERS = {
        8,
        8,
        VggSpec.POOL,
        16,
        16,
        VggSpec.POOL,
        32,
        32,
        32,
        VggSpec.POOL,
        32,
        32,
        32,
        VggSpec.POOL,
        32,
        32,
        32,
        VggSpec.POOL
    };

    public static final VggSpec SPEC =
            VggSpec.custom("vgg16-narrow", NARROW_LAYERS, false, 64, 10, 224);

    /** Pixels of one 224x224 map. */
    public static final int HW = 224 * 224;

    private final NDManager manager = NDManager.newBaseManager(Device.cpu());
    private final VggNetwork network;
    private final SafeTensorsFile inputs;

    private GoldenModel() {
        try (StateDict weights = StateDict.fromSafeTensors(file("weights.safetensors"), manager)) {
            network = VggNetwork.create(SPEC, weights.asMap(), Device.cpu());
            inputs = SafeTensors.open(file("inputs.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the network and the inputs; the caller closes it. */
    public static GoldenModel open() {
        return new GoldenModel();
    }

    public VggNetwork network() {
        return network;
    }

    /** Golden image {@code img} (0..2) as normalised CHW floats. */
    public float[] input(int img) {
        return input("img" + img);
    }

    /**
     * The input named {@code name} ({@code img0} .. {@code img2}, {@code flat}) as normalised CHW
     * floats.
     */
    public float[] input(String name) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray a = inputs.load(name + ".input", tmp);
            return a.toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of {@code golden/} that no CPU changes (weights, inputs, TorchScript). */
    public static Path file(String name) {
        return resource("/golden/" + name);
    }

    static Path resource(String name) {
        try {
            var url = GoldenModel.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException(name + " is missing from the test resources");
            }
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        inputs.close();
        network.close();
        manager.close();
    }
}
