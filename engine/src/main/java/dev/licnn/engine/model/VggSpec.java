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
public final class VggSpec {

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

    public String name() {
        return name;
    }

    /** Convolution widths in order, {@link #POOL} for pools. */
    public int[] layers() {
        return layers.clone();
    }

    public boolean batchNorm() {
        return batchNorm;
    }

    public int hidden() {
        return hidden;
    }

    public int numClasses() {
        return numClasses;
    }

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

    /** Number of ReLUs inside {@code features}: one per convolution. */
    public int featureReluCount() {
        int n = 0;
        for (int v : layers) {
            if (v != POOL) {
                n++;
            }
        }
        return n;
    }

    /** Caffe-style names of the feature ReLUs: relu1_1, relu1_2, relu2_1, ... */
    public List<String> featureReluNames() {
        List<String> names = new ArrayList<>();
        int block = 1;
        int inBlock = 0;
        for (int v : layers) {
            if (v == POOL) {
                block++;
                inBlock = 0;
            } else {
                inBlock++;
                names.add("relu" + block + "_" + inBlock);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Shape (channels, height, width) of every feature ReLU's output for an input of {@code h x w}.
     */
    public List<Shape> featureReluShapes(int h, int w) {
        List<Shape> shapes = new ArrayList<>();
        for (int v : layers) {
            if (v == POOL) {
                h /= 2;
                w /= 2;
            } else {
                shapes.add(new Shape(v, h, w));
            }
        }
        return Collections.unmodifiableList(shapes);
    }

    /**
     * Parameter names and shapes in torchvision's state-dict order. Batch-norm buffers ({@code
     * running_mean}, {@code running_var}) are included; {@code num_batches_tracked} is not.
     */
    public LinkedHashMap<String, Shape> parameterShapes() {
        LinkedHashMap<String, Shape> p = new LinkedHashMap<>();
        int idx = 0;
        int in = 3;
        for (int v : layers) {
            if (v == POOL) {
                idx++;
                continue;
            }
            p.put("features." + idx + ".weight", new Shape(v, in, 3, 3));
            p.put("features." + idx + ".bias", new Shape(v));
            if (batchNorm) {
                String bn = "features." + (idx + 1) + ".";
                p.put(bn + "weight", new Shape(v));
                p.put(bn + "bias", new Shape(v));
                p.put(bn + "running_mean", new Shape(v));
                p.put(bn + "running_var", new Shape(v));
                idx += 3;
            } else {
                idx += 2;
            }
            in = v;
        }
        p.put("classifier.0.weight", new Shape(hidden, (long) in * 7 * 7));
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
    public long forwardMacs() {
        long macs = 0;
        int h = inputSize;
        int in = 3;
        for (int v : layers) {
            if (v == POOL) {
                h /= 2;
            } else {
                macs += (long) h * h * v * in * 9;
                in = v;
            }
        }
        macs += (long) in * 49 * hidden + (long) hidden * hidden + (long) hidden * numClasses;
        return macs;
    }

    /** A JSON-friendly description (used in model cards and safetensors metadata). */
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
