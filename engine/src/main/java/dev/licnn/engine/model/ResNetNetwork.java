package dev.licnn.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A torchvision ResNet evaluated with functional DJL operators on weights held as plain native
 * arrays, like {@link VggNetwork}: no parameter requires a gradient, every batch norm is folded
 * into the convolution before it at load time (eval mode), and the hook sees every feature ReLU
 * call in execution order ({@link ResNetSpec#featureLayers}).
 *
 * <p>What a hook returns at a block's output ReLU is what the network carries on with on both
 * paths: the next block's residual branch and its skip (identity or {@code downsample}). So a
 * masked output ReLU also masks what the skip carries on ({@code docs/LICNN.md}, "ResNets").
 *
 * <pre>{@code
 * try (ResNetNetwork net = ResNetNetwork.create(ResNetSpec.resnet18(), stateDict, Device.cpu())) {
 *     NDArray logits = net.logits(input, null);
 * }
 * }</pre>
 */
public final class ResNetNetwork implements FeatureNetwork {

    private static final float BN_EPS = 1e-5f;

    /** A convolution with its batch norm folded in. */
    private record Conv(NDArray weight, NDArray bias, Shape stride, Shape padding) {
        NDArray apply(NDArray x) {
            return Conv2d.conv2d(x, weight, bias, stride, padding).singletonOrThrow();
        }
    }

    private final ResNetSpec spec;
    private final NDManager manager;
    private final List<ResNetSpec.Block> blocks;
    private final Map<String, Conv> convs = new HashMap<>();
    private NDArray fcWeight;
    private NDArray fcBias;

    private ResNetNetwork(ResNetSpec spec, NDManager manager) {
        this.spec = spec;
        this.manager = manager;
        this.blocks = spec.blockWalk();
    }

    /**
     * Builds a network from parameters with torchvision names ({@code num_batches_tracked} may be
     * present or not); the arrays are copied to {@code device}, so the caller keeps ownership of
     * {@code params}.
     *
     * @throws WeightMismatchException if a parameter is missing, extra or of the wrong shape
     */
    public static ResNetNetwork create(
            ResNetSpec spec, Map<String, NDArray> params, Device device) {
        Map<String, NDArray> p = new HashMap<>(params);
        p.keySet().removeIf(k -> k.endsWith(".num_batches_tracked"));
        WeightMismatchException.check(spec.parameterShapes(), p);
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("resnet-" + spec.name());
        ResNetNetwork net = new ResNetNetwork(spec, manager);
        try {
            net.load(p, "conv1", "bn1", 2, 3);
            for (ResNetSpec.Block b : net.blocks) {
                String pre = b.prefix() + ".";
                boolean basic = spec.blockType() == ResNetSpec.BlockType.BASIC;
                if (basic) {
                    net.load(p, pre + "conv1", pre + "bn1", b.stride(), 1);
                    net.load(p, pre + "conv2", pre + "bn2", 1, 1);
                } else {
                    net.load(p, pre + "conv1", pre + "bn1", 1, 0);
                    net.load(p, pre + "conv2", pre + "bn2", b.stride(), 1);
                    net.load(p, pre + "conv3", pre + "bn3", 1, 0);
                }
                if (b.downsample()) {
                    net.load(p, pre + "downsample.0", pre + "downsample.1", b.stride(), 0);
                }
            }
            net.fcWeight = FeatureNetwork.copyParameter(p.get("fc.weight"), manager);
            net.fcBias = FeatureNetwork.copyParameter(p.get("fc.bias"), manager);
            return net;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Folds batch norm {@code bn} into convolution {@code conv}: W g, beta - mean g. */
    private void load(Map<String, NDArray> p, String conv, String bn, int stride, int pad) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray w = FeatureNetwork.copyParameter(p.get(conv + ".weight"), tmp);
            NDArray gamma = FeatureNetwork.copyParameter(p.get(bn + ".weight"), tmp);
            NDArray beta = FeatureNetwork.copyParameter(p.get(bn + ".bias"), tmp);
            NDArray mean = FeatureNetwork.copyParameter(p.get(bn + ".running_mean"), tmp);
            NDArray var = FeatureNetwork.copyParameter(p.get(bn + ".running_var"), tmp);
            NDArray scale = gamma.div(var.add(BN_EPS).sqrt());
            NDArray fw = w.mul(scale.reshape(w.getShape().get(0), 1, 1, 1));
            NDArray fb = beta.sub(mean.mul(scale));
            fw.attach(manager);
            fb.attach(manager);
            convs.put(conv, new Conv(fw, fb, new Shape(stride, stride), new Shape(pad, pad)));
        }
    }

    public ResNetSpec spec() {
        return spec;
    }

    @Override
    public Architecture architecture() {
        return spec;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Counts feature ReLU calls during one pass and hands each output to the hook. */
    private static final class Calls {
        private final ReluHook hook;
        private int next;

        Calls(ReluHook hook) {
            this.hook = hook;
        }

        /** relu(z), seen by the hook; {@code z} is closed. */
        NDArray relu(NDArray z) {
            NDArray a = Activation.relu(z);
            z.close();
            int layer = next++;
            if (hook == null) {
                return a;
            }
            NDArray out = hook.apply(layer, a);
            if (out != a) {
                a.close();
            }
            return out;
        }
    }

    /**
     * Runs the stem, the four stages and the global average pool. Intermediate arrays are closed as
     * soon as they are dead; {@code input} is not closed.
     *
     * @param hook sees each feature ReLU output; may be null
     * @return the pooled features, N x C x 1 x 1
     */
    @Override
    public NDArray features(NDArray input, ReluHook hook) {
        Calls calls = new Calls(hook);
        NDArray stem = calls.relu(convs.get("conv1").apply(input));
        NDArray x = Pool.maxPool2d(stem, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        stem.close();
        boolean basic = spec.blockType() == ResNetSpec.BlockType.BASIC;
        for (ResNetSpec.Block b : blocks) {
            String pre = b.prefix() + ".";
            NDArray t = calls.relu(convs.get(pre + "conv1").apply(x));
            NDArray branch;
            if (basic) {
                branch = convs.get(pre + "conv2").apply(t);
                t.close();
            } else {
                NDArray t2 = calls.relu(convs.get(pre + "conv2").apply(t));
                t.close();
                branch = convs.get(pre + "conv3").apply(t2);
                t2.close();
            }
            NDArray sum;
            if (b.downsample()) {
                try (NDArray skip = convs.get(pre + "downsample.0").apply(x)) {
                    sum = branch.add(skip);
                }
            } else {
                sum = branch.add(x);
            }
            branch.close();
            if (x != input) {
                x.close();
            }
            x = calls.relu(sum);
        }
        NDArray pooled = JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(1, 1));
        x.close();
        return pooled;
    }

    /** The head after the global pool: flatten and {@code fc}; {@code pooled} is not closed. */
    @Override
    public NDArray classifier(NDArray pooled) {
        try (NDArray flat = pooled.reshape(pooled.getShape().get(0), -1)) {
            return Linear.linear(flat, fcWeight, fcBias).singletonOrThrow();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
