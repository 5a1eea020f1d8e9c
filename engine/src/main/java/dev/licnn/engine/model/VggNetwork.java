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
import java.util.Map;

/**
 * A VGG network evaluated with functional DJL operators on weights held as plain native arrays (no
 * parameter ever requires a gradient, so back-propagation computes activation gradients only).
 *
 * <p>Batch norm is folded into the preceding convolution at load time (eval mode). The network owns
 * its arrays: close it to free them.
 *
 * <pre>{@code
 * try (VggNetwork net = VggNetwork.create(spec, stateDict, Device.cpu())) {
 *     NDArray logits = net.logits(input, null);
 * }
 * }</pre>
 */
public final class VggNetwork implements FeatureNetwork {

    private static final float BN_EPS = 1e-5f;

    private final VggSpec spec;
    private final NDManager manager;
    private final NDArray[] convWeights;
    private final NDArray[] convBiases;
    private final NDArray[] fcWeights = new NDArray[3];
    private final NDArray[] fcBiases = new NDArray[3];
    private final boolean[] poolAfter;

    private VggNetwork(VggSpec spec, NDManager manager, int convs) {
        this.spec = spec;
        this.manager = manager;
        this.convWeights = new NDArray[convs];
        this.convBiases = new NDArray[convs];
        this.poolAfter = new boolean[convs];
    }

    /**
     * Builds a network from parameters with torchvision names; the arrays are copied to {@code
     * device}, so the caller keeps ownership of {@code params}.
     *
     * @throws WeightMismatchException if a parameter is missing, extra or of the wrong shape
     */
    public static VggNetwork create(VggSpec spec, Map<String, NDArray> params, Device device) {
        Map<String, Shape> expected = spec.parameterShapes();
        WeightMismatchException.check(expected, params);
        NDManager manager = NDManager.newBaseManager(device);
        manager.setName("vgg-" + spec.name());
        VggNetwork net = new VggNetwork(spec, manager, spec.featureReluCount());
        try {
            for (VggSpec.ConvStage c : spec.convStages()) {
                int conv = c.conv();
                net.poolAfter[conv] = c.poolAfter();
                NDArray w =
                        FeatureNetwork.copyParameter(
                                params.get("features." + c.convIndex() + ".weight"), manager);
                NDArray b =
                        FeatureNetwork.copyParameter(
                                params.get("features." + c.convIndex() + ".bias"), manager);
                if (c.bnIndex() >= 0) {
                    String bn = "features." + c.bnIndex() + ".";
                    try (NDManager tmp = manager.newSubManager()) {
                        NDArray gamma =
                                FeatureNetwork.copyParameter(params.get(bn + "weight"), tmp);
                        NDArray beta = FeatureNetwork.copyParameter(params.get(bn + "bias"), tmp);
                        NDArray mean =
                                FeatureNetwork.copyParameter(params.get(bn + "running_mean"), tmp);
                        NDArray var =
                                FeatureNetwork.copyParameter(params.get(bn + "running_var"), tmp);
                        NDArray scale = gamma.div(var.add(BN_EPS).sqrt());
                        NDArray fw = w.mul(scale.reshape(c.channels(), 1, 1, 1));
                        NDArray fb = b.sub(mean).mul(scale).add(beta);
                        fw.attach(manager);
                        fb.attach(manager);
                        w.close();
                        b.close();
                        w = fw;
                        b = fb;
                    }
                }
                net.convWeights[conv] = w;
                net.convBiases[conv] = b;
            }
            int[] fc = {0, 3, 6};
            for (int i = 0; i < 3; i++) {
                net.fcWeights[i] =
                        FeatureNetwork.copyParameter(
                                params.get("classifier." + fc[i] + ".weight"), manager);
                net.fcBiases[i] =
                        FeatureNetwork.copyParameter(
                                params.get("classifier." + fc[i] + ".bias"), manager);
            }
            return net;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public VggSpec spec() {
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

    /**
     * Runs {@code features} (convolutions, ReLUs, pools) and the adaptive 7x7 average pool.
     * Intermediate arrays are closed as soon as they are dead; {@code input} is not closed.
     *
     * @param hook sees each feature ReLU output; may be null
     * @return the pooled feature map, N x C x 7 x 7
     */
    @Override
    public NDArray features(NDArray input, ReluHook hook) {
        NDArray x = input;
        for (int l = 0; l < convWeights.length; l++) {
            NDArray conv =
                    Conv2d.conv2d(
                                    x,
                                    convWeights[l],
                                    convBiases[l],
                                    new Shape(1, 1),
                                    new Shape(1, 1))
                            .singletonOrThrow();
            closeUnlessInput(x, input);
            NDArray relu = Activation.relu(conv);
            conv.close();
            if (hook != null) {
                NDArray out = hook.apply(l, relu);
                if (out != relu) {
                    relu.close();
                }
                relu = out;
            }
            if (poolAfter[l]) {
                NDArray pooled =
                        Pool.maxPool2d(
                                relu, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
                relu.close();
                relu = pooled;
            }
            x = relu;
        }
        Shape s = x.getShape();
        if (s.get(2) != 7 || s.get(3) != 7) {
            NDArray pooled = JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(7, 7));
            x.close();
            x = pooled;
        }
        return x;
    }

    /** The classifier (dropout is the identity in eval mode); {@code pooled} is not closed. */
    @Override
    public NDArray classifier(NDArray pooled) {
        NDArray x = pooled.reshape(pooled.getShape().get(0), -1);
        for (int i = 0; i < 3; i++) {
            NDArray y = Linear.linear(x, fcWeights[i], fcBiases[i]).singletonOrThrow();
            if (x != pooled) {
                x.close();
            }
            if (i < 2) {
                NDArray r = Activation.relu(y);
                y.close();
                y = r;
            }
            x = y;
        }
        return x;
    }

    private static void closeUnlessInput(NDArray x, NDArray input) {
        if (x != input) {
            x.close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
