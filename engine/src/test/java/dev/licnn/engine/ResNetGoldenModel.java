package dev.licnn.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.licnn.engine.model.ResNetNetwork;
import dev.licnn.engine.model.ResNetSpec;
import dev.licnn.engine.model.SafeTensors;
import dev.licnn.engine.model.SafeTensorsFile;
import dev.licnn.engine.model.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the ResNet golden fixtures are made from, and which no CPU changes: a narrow ResNet of
 * {@code golden/resnet/<net>/weights.safetensors} (batch norm folded at load time, as the engine
 * always runs it) and the two 129 x 129 images of {@code golden/resnet/inputs.safetensors} (see
 * {@code golden/README.md}, section "ResNet fixtures").
 */
public final class ResNetGoldenModel implements AutoCloseable {

    /** Side of the fixture inputs. */
    public static final int SIDE = 129;

    /** Pixels of one map at the input size. */
    public static final int HW = SIDE * SIDE;

    private final String net;
    private final ResNetSpec spec;
    private final NDManager manager = NDManager.newBaseManager(Device.cpu());
    private final ResNetNetwork network;
    private final SafeTensorsFile inputs;

    private ResNetGoldenModel(String net) {
        this.net = net;
        this.spec = spec(net);
        try (StateDict weights =
                StateDict.fromSafeTensors(
                        GoldenModel.resource("/golden/resnet/" + net + "/weights.safetensors"),
                        manager)) {
            network = ResNetNetwork.create(spec, weights.asMap(), Device.cpu());
            inputs = SafeTensors.open(GoldenModel.resource("/golden/resnet/inputs.safetensors"));
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The layout of {@code net}: torchvision's with every width divided by 8 ({@code resnet18}:
     * 1000 classes, {@code resnet50}: 10).
     */
    public static ResNetSpec spec(String net) {
        return switch (net) {
            case "resnet18" -> ResNetSpec.resnet18().scaled(8, 1000).withInputSize(SIDE);
            case "resnet50" -> ResNetSpec.resnet50().scaled(8, 10).withInputSize(SIDE);
            default -> throw new IllegalArgumentException("no ResNet golden fixtures for " + net);
        };
    }

    /** Loads the network of {@code net} and the inputs; the caller closes it. */
    public static ResNetGoldenModel open(String net) {
        return new ResNetGoldenModel(net);
    }

    /** {@code resnet18} or {@code resnet50}. */
    public String net() {
        return net;
    }

    public ResNetSpec spec() {
        return spec;
    }

    public ResNetNetwork network() {
        return network;
    }

    /** Image {@code img} (0 or 1) as normalised CHW floats. */
    public float[] input(int img) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray a = inputs.load("img" + img + ".input", tmp);
            return a.toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return net;
    }

    @Override
    public void close() throws IOException {
        inputs.close();
        network.close();
        manager.close();
    }
}
