package dev.licnn.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.licnn.engine.model.ResNetNetwork;
import dev.licnn.engine.model.ResNetSpec;
import dev.licnn.engine.model.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The narrow torchvision ResNets of {@code resnet/forward.safetensors} ({@code
 * make_resnet_forward.py}): ResNet-18 ({@code r18}) and ResNet-50 ({@code r50}) layouts with every
 * width divided by 16, 10 classes, random weights and batch-norm statistics, and two 112 x 112
 * inputs. The file also holds torchvision's outputs for them, which no CPU changes beyond rounding.
 */
public final class ResNetFixture implements AutoCloseable {

    public static final ResNetSpec R18 = ResNetSpec.resnet18().scaled(16, 10).withInputSize(112);
    public static final ResNetSpec R50 = ResNetSpec.resnet50().scaled(16, 10).withInputSize(112);

    /** Side of the fixture's inputs. */
    public static final int SIDE = 112;

    private final NDManager manager = NDManager.newBaseManager(Device.cpu());
    private final StateDict all;

    private ResNetFixture() {
        try {
            all = StateDict.fromSafeTensors(file(), manager);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        }
    }

    public static ResNetFixture open() {
        return new ResNetFixture();
    }

    public static Path file() {
        return GoldenModel.resource("/resnet/forward.safetensors");
    }

    /** Every tensor of the file (weights, inputs, torchvision's outputs). */
    public StateDict tensors() {
        return all;
    }

    /** The torchvision state dict of {@code net} ({@code r18} or {@code r50}). */
    public Map<String, NDArray> parameters(String net) {
        Map<String, NDArray> params = new HashMap<>();
        String p = net + ".";
        for (String name : all.names()) {
            String rest = name.startsWith(p) ? name.substring(p.length()) : null;
            if (rest != null
                    && !rest.startsWith("relu.")
                    && !rest.startsWith("masked.")
                    && !rest.startsWith("keep.")
                    && !rest.equals("logits")) {
                params.put(rest, all.get(name));
            }
        }
        return params;
    }

    /** A network of {@code net}; the caller closes it. */
    public ResNetNetwork network(String net) {
        return ResNetNetwork.create(net.equals("r18") ? R18 : R50, parameters(net), Device.cpu());
    }

    /** Input {@code img} (0 or 1) as CHW floats. */
    public float[] input(int img) {
        float[] all2 = all.get("input").toFloatArray();
        int per = 3 * SIDE * SIDE;
        float[] out = new float[per];
        System.arraycopy(all2, img * per, out, 0, per);
        return out;
    }

    /** torchvision's logits of {@code net} for input {@code img}. */
    public float[] logits(String net, int img) {
        float[] l = all.get(net + ".logits").toFloatArray();
        int c = l.length / 2;
        float[] out = new float[c];
        System.arraycopy(l, img * c, out, 0, c);
        return out;
    }

    @Override
    public void close() {
        all.close();
        manager.close();
    }
}
