package dev.licnn.engine.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of a VGG network: convolution widths and pools of {@code features}, optional batch
 * norm, classifier width, number of classes and input size.
 *
 * <p>Parameter names follow torchvision's state dict ({@code features.0.weight}, ..., {@code
 * classifier.6.bias}), so weights written by PyTorch load without renaming.
 *
 * <pre>{@code
 * VggSpec full = VggSpec.vgg16(false);                  // torchvision's vgg16
 * VggSpec narrow = VggSpec.vgg16(false).scaled(16, 64, 10); // 1/16 of the widths, 64-wide classifier, 10 classes
 * Map<String, Shape> shapes = narrow.parameterShapes();
 * }</pre>
 */
public final class VggSpec implements Architecture {

    /** Marker for a 2x2/2 max-pool in {@link #layers()}. */
    public static final int POOL = -1;

    private static final int[] CFG_11 = {
        64, POOL, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL
    };
    private static final int[] CFG_13 = {
        64, 64, POOL, 128, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL
    };
    private static final int[] CFG_16 = {
        64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL, 512, 512, 512, POOL, 512, 512, 512, POOL
    };
    private static final int[] CFG_19 = {
        64, 64, POOL, 128, 128, POOL, 256, 256, 256, 256, POOL, 512, 512, 512, 512, POOL, 512, 512,
        512, 512, POOL
    };

    private final String name;
    private final int[] layers;
    private final boolean batchNorm;
    private final int hidden;
    private final int numClasses;
    private final int inputSize;

    private VggSpec(
            String name,
            int[] layers,
            boolean batchNorm,
            int hidden,
            int numClasses,
            int inputSize) {
        if (layers.length == 0 || layers[layers.length - 1] != POOL) {
            throw new IllegalArgumentException("a VGG feature stack must end with a pool");
        }
        for (int v : layers) {
            if (v != POOL && v <= 0) {
                throw new IllegalArgumentException("convolution widths must be positive, got " + v);
            }
        }
        if (hidden <= 0 || numClasses <= 0) {
            throw new IllegalArgumentException("classifier width and class count must be positive");
        }
        if (inputSize < 32) {
            throw new IllegalArgumentException("input size must be at least 32, got " + inputSize);
        }
        this.name = Objects.requireNonNull(name);
        this.layers = layers.clone();
        this.batchNorm = batchNorm;
        this.hidden = hidden;
        this.numClasses = numClasses;
        this.inputSize = inputSize;
    }

    /** VGG-11 as torchvision builds it (1000 classes, 224x224). */
    public static VggSpec vgg11(boolean bn) {
        return new VggSpec(bn ? "vgg11_bn" : "vgg11", CFG_11, bn, 4096, 1000, 224);
    }

    /** VGG-13 as torchvision builds it. */
    public static VggSpec vgg13(boolean bn) {
        return new VggSpec(bn ? "vgg13_bn" : "vgg13", CFG_13, bn, 4096, 1000, 224);
    }

    /** VGG-16 as torchvision builds it. */
    public static VggSpec vgg16(boolean bn) {
        return new VggSpec(bn ? "vgg16_bn" : "vgg16", CFG_16, bn, 4096, 1000, 224);
    }

    /** VGG-19 as torchvision builds it. */
    public static VggSpec vgg19(boolean bn) {
        return new VggSpec(bn ? "vgg19_bn" : "vgg19", CFG_19, bn, 4096, 1000, 224);
    }

    /**
     * Looks up a standard architecture by name: {@code vgg11}, {@code vgg13}, {@code vgg16}, {@code
     * vgg19}, each optionally with {@code _bn}.
     */
    public static VggSpec byName(String arch) {
        switch (arch) {
            case "vgg11":
                return vgg11(false);
            case "vgg11_bn":
                return vgg11(true);
            case "vgg13":
                return vgg13(false);
            case "vgg13_bn":
                return vgg13(true);
            case "vgg16":
                return vgg16(false);
            case "vgg16_bn":
                return vgg16(true);
            case "vgg19":
                return vgg19(false);
            case "vgg19_bn":
                return vgg19(true);
            default:
                throw new IllegalArgumentException(
                        "unknown architecture '"
                                + arch
                                + "' (expected vgg11|vgg13|vgg16|vgg19, optionally with _bn)");
        }
    }

    /** A spec with explicit convolution widths ({@link #POOL} for a pool). */
    public static VggSpec custom(
            String name,
            int[] layers,
            boolean batchNorm,
            int hidden,
            int numClasses,
            int inputSize) {
        return new VggSpec(name, layers, batchNorm, hidden, numClasses, inputSize);
    }

    /**
     * The same layer pattern with every convolution width divided by {@code divisor} (at least 1).
     */
    public VggSpec scaled(int divisor, int newHidden, int newNumClasses) {
        if (divisor <= 0) {
            throw new IllegalArgumentException("divisor must be positive");
        }
        int[] l = layers.clone();
        for (int i = 0; i < l.length; i++) {
            if (l[i] != POOL) {
                l[i] = Math.max(1, l[i] / divisor);
            }
        }
        return new VggSpec(name, l, batchNorm, newHidden, newNumClasses, inputSize);
    }

    /**
     * The same spec for another input size (the classifier still sees a 7x7 map after adaptive
     * pooling).
     */
    public VggSpec withInputSize(int size) {
        return new VggSpec(name, layers, batchNorm, hidden, numClasses, size);
    }

    /** The same spec under another name. */
    public VggSpec withName(String newName) {
        return new VggSpec(newName, layers, batchNorm, hidden, numClasses, inputSize);
    }

    @Override
    public String name() {
        return name;
    }

    /** Convolution widths in order, {@link #POOL} for pools. */
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public boolean batchNorm() {
        return batchNorm;
    }

    public int hidden() {
        return hidden;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    /** Channels of the last convolution: the classifier sees {@code lastWidth * 7 * 7} features. */
    public int lastWidth() {
        for (int i = layers.length - 1; i >= 0; i--) {
            if (layers[i] != POOL) {
                return layers[i];
            }
        }
        throw new IllegalStateException("no convolution");
    }

    /**
     * One convolution of {@code features} with what follows it, as torchvision numbers the modules:
     * {@code features.<convIndex>} (the convolution), an optional batch norm, the ReLU at {@code
     * features.<reluIndex>}, and possibly a 2x2/2 max-pool.
     *
     * @param conv 0-based convolution (and feature ReLU) number
     * @param name Caffe-style ReLU name: relu1_1, relu1_2, relu2_1, ...
     * @param convIndex module index of the convolution in {@code features}
     * @param bnIndex module index of the batch norm, or -1 without batch norm
     * @param reluIndex module index of the ReLU
     * @param poolsBefore pools between the input and this convolution
     * @param poolAfter whether a max-pool follows the ReLU
     */
    public record ConvStage(
            int conv,
            String name,
            int channels,
            int inChannels,
            int convIndex,
            int bnIndex,
            int reluIndex,
            int poolsBefore,
            boolean poolAfter) {}

    /**
     * The layer walk: every convolution of {@code features} in order, with torchvision's indices.
     */
    public List<ConvStage> convStages() {
        List<ConvStage> out = new ArrayList<>();
        int idx = 0;
        int in = 3;
        int pools = 0;
        int inBlock = 0;
        for (int i = 0; i < layers.length; i++) {
            int v = layers[i];
            if (v == POOL) {
                idx++;
                pools++;
                inBlock = 0;
                continue;
            }
            inBlock++;
            int bn = batchNorm ? idx + 1 : -1;
            int relu = batchNorm ? idx + 2 : idx + 1;
            boolean poolAfter = i + 1 < layers.length && layers[i + 1] == POOL;
            out.add(
                    new ConvStage(
                            out.size(),
                            "relu" + (pools + 1) + "_" + inBlock,
                            v,
                            in,
                            idx,
                            bn,
                            relu,
                            pools,
                            poolAfter));
            idx = relu + 1;
            in = v;
        }
        return Collections.unmodifiableList(out);
    }

    /** The feature ReLUs: Caffe-style names, torchvision module paths ({@code features.1}, ...). */
    @Override
    public List<FeatureLayer> featureLayers(int h, int w) {
        List<FeatureLayer> out = new ArrayList<>();
        for (ConvStage c : convStages()) {
            out.add(
                    new FeatureLayer(
                            c.conv(),
                            c.name(),
                            "features." + c.reluIndex(),
                            c.channels(),
                            h >> c.poolsBefore(),
                            w >> c.poolsBefore()));
        }
        return Collections.unmodifiableList(out);
    }

    /** Number of ReLUs inside {@code features}: one per convolution. */
    @Override
    public int featureReluCount() {
        int n = 0;
        for (int v : layers) {
            if (v != POOL) {
                n++;
            }
        }
        return n;
    }

    /**
     * Parameter names and shapes in torchvision's state-dict order. Batch-norm buffers ({@code
     * running_mean}, {@code running_var}) are included; {@code num_batches_tracked} is not.
     */
    @Override
    public LinkedHashMap<String, Shape> parameterShapes() {
        LinkedHashMap<String, Shape> p = new LinkedHashMap<>();
        for (ConvStage c : convStages()) {
            String conv = "features." + c.convIndex() + ".";
            p.put(conv + "weight", new Shape(c.channels(), c.inChannels(), 3, 3));
            p.put(conv + "bias", new Shape(c.channels()));
            if (c.bnIndex() >= 0) {
                String bn = "features." + c.bnIndex() + ".";
                p.put(bn + "weight", new Shape(c.channels()));
                p.put(bn + "bias", new Shape(c.channels()));
                p.put(bn + "running_mean", new Shape(c.channels()));
                p.put(bn + "running_var", new Shape(c.channels()));
            }
        }
        p.put("classifier.0.weight", new Shape(hidden, (long) lastWidth() * 7 * 7));
        p.put("classifier.0.bias", new Shape(hidden));
        p.put("classifier.3.weight", new Shape(hidden, hidden));
        p.put("classifier.3.bias", new Shape(hidden));
        p.put("classifier.6.weight", new Shape(numClasses, hidden));
        p.put("classifier.6.bias", new Shape(numClasses));
        return p;
    }

    /**
     * Multiply-accumulates of one forward pass at the spec's input size (convolutions and linears).
     */
    @Override
    public long forwardMacs() {
        long macs = 0;
        for (ConvStage c : convStages()) {
            long side = inputSize >> c.poolsBefore();
            macs += side * side * c.channels() * c.inChannels() * 9;
        }
        int in = lastWidth();
        macs += (long) in * 49 * hidden + (long) hidden * hidden + (long) hidden * numClasses;
        return macs;
    }

    /** A JSON-friendly description (used in model cards and safetensors metadata). */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        List<Object> l = new ArrayList<>();
        for (int v : layers) {
            l.add(v == POOL ? "M" : v);
        }
        m.put("layers", l);
        m.put("batch_norm", batchNorm);
        m.put("hidden", hidden);
        m.put("num_classes", numClasses);
        m.put("input_size", inputSize);
        return m;
    }

    @Override
    public String toString() {
        return "VggSpec" + describe();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VggSpec)) {
            return false;
        }
        VggSpec s = (VggSpec) o;
        return name.equals(s.name)
                && java.util.Arrays.equals(layers, s.layers)
                && batchNorm == s.batchNorm
                && hidden == s.hidden
                && numClasses == s.numClasses
                && inputSize == s.inputSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name, java.util.Arrays.hashCode(layers), batchNorm, hidden, numClasses, inputSize);
    }
}
