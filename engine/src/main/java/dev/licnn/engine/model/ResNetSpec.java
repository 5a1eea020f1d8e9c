package dev.licnn.engine.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of a torchvision ResNet: block type (BasicBlock or Bottleneck), blocks per stage, stage
 * widths, number of classes and input size ({@code docs/LICNN.md}, "ResNets").
 *
 * <p>Parameter names follow torchvision's state dict ({@code conv1.weight}, {@code bn1.*}, {@code
 * layer1.0.conv1.weight}, ..., {@code layer2.0.downsample.0.weight}, {@code fc.bias}). The feature
 * ReLUs are every call of a ReLU before the global average pool, in execution order: {@code relu}
 * (the stem), then per block {@code layerS.b.relu1}, ({@code layerS.b.relu2} in a Bottleneck,) and
 * {@code layerS.b.relu_out} after the residual addition.
 *
 * <pre>{@code
 * ResNetSpec r18 = ResNetSpec.resnet18();
 * ResNetSpec narrow = ResNetSpec.resnet50().scaled(8, 10); // 1/8 of the widths, 10 classes
 * List<FeatureLayer> layers = narrow.featureLayers(224, 224); // 49 feature ReLUs
 * }</pre>
 */
public final class ResNetSpec implements Architecture {

    /** torchvision's two residual blocks. */
    public enum BlockType {
        /** Two 3x3 convolutions (ResNet-18/34); expansion 1. */
        BASIC(1),
        /** 1x1, 3x3 (carrying the stride), 1x1 convolutions (ResNet-50/101/152); expansion 4. */
        BOTTLENECK(4);

        private final int expansion;

        BlockType(int expansion) {
            this.expansion = expansion;
        }

        /** Output width of a block over its planes. */
        public int expansion() {
            return expansion;
        }
    }

    /**
     * One residual block in execution order.
     *
     * @param prefix its module path, {@code layer1.0}, ...
     * @param inChannels width of the block's input
     * @param planes width of the block's inner convolutions
     * @param outChannels width of its output ({@code planes * expansion})
     * @param stride 1, or 2 for the first block of layer2..layer4
     * @param downsample whether the skip carries a 1x1 convolution and batch norm
     */
    public record Block(
            String prefix,
            int inChannels,
            int planes,
            int outChannels,
            int stride,
            boolean downsample) {}

    private static final int[] STAGE_PLANES = {64, 128, 256, 512};

    private final String name;
    private final BlockType block;
    private final int[] blocks;
    private final int stemWidth;
    private final int[] planes;
    private final int numClasses;
    private final int inputSize;

    private ResNetSpec(
            String name,
            BlockType block,
            int[] blocks,
            int stemWidth,
            int[] planes,
            int numClasses,
            int inputSize) {
        if (blocks.length != 4 || planes.length != 4) {
            throw new IllegalArgumentException("a ResNet has four stages");
        }
        for (int i = 0; i < 4; i++) {
            if (blocks[i] < 1 || planes[i] < 1) {
                throw new IllegalArgumentException(
                        "every stage needs at least one block and a positive width");
            }
        }
        if (stemWidth < 1 || numClasses < 1) {
            throw new IllegalArgumentException("stem width and class count must be positive");
        }
        if (inputSize < 32) {
            throw new IllegalArgumentException("input size must be at least 32, got " + inputSize);
        }
        this.name = Objects.requireNonNull(name);
        this.block = Objects.requireNonNull(block);
        this.blocks = blocks.clone();
        this.stemWidth = stemWidth;
        this.planes = planes.clone();
        this.numClasses = numClasses;
        this.inputSize = inputSize;
    }

    private static ResNetSpec standard(String name, BlockType t, int... blocks) {
        return new ResNetSpec(name, t, blocks, 64, STAGE_PLANES, 1000, 224);
    }

    public static ResNetSpec resnet18() {
        return standard("resnet18", BlockType.BASIC, 2, 2, 2, 2);
    }

    public static ResNetSpec resnet34() {
        return standard("resnet34", BlockType.BASIC, 3, 4, 6, 3);
    }

    public static ResNetSpec resnet50() {
        return standard("resnet50", BlockType.BOTTLENECK, 3, 4, 6, 3);
    }

    public static ResNetSpec resnet101() {
        return standard("resnet101", BlockType.BOTTLENECK, 3, 4, 23, 3);
    }

    public static ResNetSpec resnet152() {
        return standard("resnet152", BlockType.BOTTLENECK, 3, 8, 36, 3);
    }

    /** Whether {@code arch} names a standard ResNet ({@code resnet18}, ..., {@code resnet152}). */
    public static boolean isResNet(String arch) {
        return switch (arch) {
            case "resnet18", "resnet34", "resnet50", "resnet101", "resnet152" -> true;
            default -> false;
        };
    }

    /**
     * Looks up a standard ResNet by name: {@code resnet18}, {@code resnet34}, {@code resnet50},
     * {@code resnet101}, {@code resnet152}.
     */
    public static ResNetSpec byName(String arch) {
        return switch (arch) {
            case "resnet18" -> resnet18();
            case "resnet34" -> resnet34();
            case "resnet50" -> resnet50();
            case "resnet101" -> resnet101();
            case "resnet152" -> resnet152();
            default ->
                    throw new IllegalArgumentException(
                            "unknown architecture '"
                                    + arch
                                    + "' (expected resnet18|resnet34|resnet50|resnet101|resnet152)");
        };
    }

    /** A ResNet with explicit widths: the stem's and each stage's planes. */
    public static ResNetSpec custom(
            String name,
            BlockType block,
            int[] blocks,
            int stemWidth,
            int[] planes,
            int numClasses,
            int inputSize) {
        return new ResNetSpec(name, block, blocks, stemWidth, planes, numClasses, inputSize);
    }

    /** The same blocks with the stem and every stage width divided by {@code divisor}. */
    public ResNetSpec scaled(int divisor, int newNumClasses) {
        if (divisor <= 0) {
            throw new IllegalArgumentException("divisor must be positive");
        }
        int[] p = planes.clone();
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.max(1, p[i] / divisor);
        }
        return new ResNetSpec(
                name, block, blocks, Math.max(1, stemWidth / divisor), p, newNumClasses, inputSize);
    }

    /** The same spec for another input size (the global average pool takes any size). */
    public ResNetSpec withInputSize(int size) {
        return new ResNetSpec(name, block, blocks, stemWidth, planes, numClasses, size);
    }

    /** The same spec under another name. */
    public ResNetSpec withName(String newName) {
        return new ResNetSpec(newName, block, blocks, stemWidth, planes, numClasses, inputSize);
    }

    @Override
    public String name() {
        return name;
    }

    /** Always true: every convolution of a ResNet is followed by batch norm. */
    @Override
    public boolean batchNorm() {
        return true;
    }

    public BlockType blockType() {
        return block;
    }

    /** Blocks per stage (layer1..layer4). */
    public int[] blocks() {
        return blocks.clone();
    }

    /** Width of the stem convolution {@code conv1}. */
    public int stemWidth() {
        return stemWidth;
    }

    /** Inner width of each stage's blocks. */
    public int[] planes() {
        return planes.clone();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    /** Width of the features the global average pool sees. */
    public int lastWidth() {
        return planes[3] * block.expansion();
    }

    /** The layer walk: every residual block in execution order, as torchvision builds them. */
    public List<Block> blockWalk() {
        List<Block> out = new ArrayList<>();
        int in = stemWidth;
        for (int s = 0; s < 4; s++) {
            int outW = planes[s] * block.expansion();
            for (int b = 0; b < blocks[s]; b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                boolean down = b == 0 && (stride != 1 || in != outW);
                out.add(new Block("layer" + (s + 1) + "." + b, in, planes[s], outW, stride, down));
                in = outW;
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Output side of a convolution or pool: floor((in + 2 pad - kernel) / stride) + 1. */
    static int outSide(int in, int kernel, int stride, int pad) {
        return (in + 2 * pad - kernel) / stride + 1;
    }

    @Override
    public List<FeatureLayer> featureLayers(int h, int w) {
        List<FeatureLayer> out = new ArrayList<>();
        h = outSide(h, 7, 2, 3);
        w = outSide(w, 7, 2, 3);
        out.add(new FeatureLayer(0, "relu", "relu", stemWidth, h, w));
        h = outSide(h, 3, 2, 1);
        w = outSide(w, 3, 2, 1);
        for (Block b : blockWalk()) {
            String p = b.prefix() + ".";
            int oh = outSide(h, 3, b.stride(), 1);
            int ow = outSide(w, 3, b.stride(), 1);
            if (block == BlockType.BASIC) {
                out.add(new FeatureLayer(out.size(), p + "relu1", p + "relu", b.planes(), oh, ow));
            } else {
                out.add(new FeatureLayer(out.size(), p + "relu1", p + "relu", b.planes(), h, w));
                out.add(new FeatureLayer(out.size(), p + "relu2", p + "relu", b.planes(), oh, ow));
            }
            out.add(
                    new FeatureLayer(
                            out.size(), p + "relu_out", p + "relu", b.outChannels(), oh, ow));
            h = oh;
            w = ow;
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public int featureReluCount() {
        int n = 1;
        for (int b : blocks) {
            n += b * (block == BlockType.BASIC ? 2 : 3);
        }
        return n;
    }

    /** The convolutions of a block, as (name, out, in, kernel) in state-dict order. */
    private List<Conv> convs(Block b) {
        String p = b.prefix() + ".";
        List<Conv> c = new ArrayList<>();
        if (block == BlockType.BASIC) {
            c.add(new Conv(p + "conv1", p + "bn1", b.planes(), b.inChannels(), 3));
            c.add(new Conv(p + "conv2", p + "bn2", b.planes(), b.planes(), 3));
        } else {
            c.add(new Conv(p + "conv1", p + "bn1", b.planes(), b.inChannels(), 1));
            c.add(new Conv(p + "conv2", p + "bn2", b.planes(), b.planes(), 3));
            c.add(new Conv(p + "conv3", p + "bn3", b.outChannels(), b.planes(), 1));
        }
        if (b.downsample()) {
            c.add(
                    new Conv(
                            p + "downsample.0",
                            p + "downsample.1",
                            b.outChannels(),
                            b.inChannels(),
                            1));
        }
        return c;
    }

    private record Conv(String conv, String bn, int out, int in, int kernel) {}

    private static void putConv(LinkedHashMap<String, Shape> p, Conv c) {
        p.put(c.conv() + ".weight", new Shape(c.out(), c.in(), c.kernel(), c.kernel()));
        p.put(c.bn() + ".weight", new Shape(c.out()));
        p.put(c.bn() + ".bias", new Shape(c.out()));
        p.put(c.bn() + ".running_mean", new Shape(c.out()));
        p.put(c.bn() + ".running_var", new Shape(c.out()));
    }

    /**
     * Parameter names and shapes in torchvision's state-dict order (convolutions without bias,
     * batch-norm running statistics included, {@code num_batches_tracked} not).
     */
    @Override
    public LinkedHashMap<String, Shape> parameterShapes() {
        LinkedHashMap<String, Shape> p = new LinkedHashMap<>();
        putConv(p, new Conv("conv1", "bn1", stemWidth, 3, 7));
        for (Block b : blockWalk()) {
            for (Conv c : convs(b)) {
                putConv(p, c);
            }
        }
        p.put("fc.weight", new Shape(numClasses, lastWidth()));
        p.put("fc.bias", new Shape(numClasses));
        return p;
    }

    @Override
    public long forwardMacs() {
        long h = outSide(inputSize, 7, 2, 3);
        long macs = h * h * stemWidth * 3 * 49;
        h = outSide((int) h, 3, 2, 1);
        for (Block b : blockWalk()) {
            long oh = outSide((int) h, 3, b.stride(), 1);
            for (Conv c : convs(b)) {
                // In a Bottleneck, conv1 runs at the block's input resolution (its stride is 1).
                long side = block == BlockType.BOTTLENECK && c.conv().endsWith("conv1") ? h : oh;
                macs += side * side * c.out() * c.in() * c.kernel() * c.kernel();
            }
            h = oh;
        }
        macs += (long) lastWidth() * numClasses;
        return macs;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("block", block == BlockType.BASIC ? "basic" : "bottleneck");
        m.put("blocks", Arrays.stream(blocks).boxed().toList());
        m.put("stem_width", stemWidth);
        m.put("planes", Arrays.stream(planes).boxed().toList());
        m.put("num_classes", numClasses);
        m.put("input_size", inputSize);
        return m;
    }

    @Override
    public String toString() {
        return "ResNetSpec" + describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetSpec s
                && name.equals(s.name)
                && block == s.block
                && Arrays.equals(blocks, s.blocks)
                && stemWidth == s.stemWidth
                && Arrays.equals(planes, s.planes)
                && numClasses == s.numClasses
                && inputSize == s.inputSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                name,
                block,
                Arrays.hashCode(blocks),
                stemWidth,
                Arrays.hashCode(planes),
                numClasses,
                inputSize);
    }
}
