package dev.licnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.licnn.engine.model.StateDict;
import dev.licnn.engine.model.VggSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trainable DJL block with the layout of torchvision's VGG: for each convolution a 3x3/1 pad-1
 * {@code Conv2d}, a {@code BatchNorm} when the spec asks for one (eps 1e-5, PyTorch momentum 0.1)
 * and a ReLU, a 2x2/2 max-pool for each pool, an adaptive average pool to 7x7 (skipped when the map
 * already is 7x7), then {@code Linear(C*7*7, H) ReLU Dropout Linear(H, H) ReLU Dropout Linear(H,
 * classes)}.
 *
 * <p>The block's parameters come in the same order as {@link VggSpec#parameterShapes()}, which is
 * how {@link #toStateDict} names them.
 *
 * <pre>{@code
 * SequentialBlock block = VggBlocks.build(spec, 0.5f);
 * // ... initialise and train ...
 * try (StateDict weights = VggBlocks.toStateDict(block, spec, manager)) {
 *     weights.toSafeTensors(Path.of("weights.safetensors"));
 * }
 * }</pre>
 */
public final class VggBlocks {

    private static final String FIRST_LINEAR = "classifier.0.weight";
    private static final int POSITIONS = 49;

    private VggBlocks() {}

    /**
     * Builds the block for {@code spec}.
     *
     * @param spec the architecture
     * @param dropout dropout probability of the classifier (torchvision: 0.5)
     * @return an uninitialised block
     */
    public static SequentialBlock build(VggSpec spec, float dropout) {
        return build(spec, dropout, false);
    }

    /**
     * Builds the block for {@code spec}, optionally with a position-invariant first classifier
     * layer: the 7x7 map is averaged to one value per channel before {@code Linear(C, H)}. That
     * layer is exactly {@code Linear(C*7*7, H)} with every position's weight equal to a 49th of the
     * channel's weight, which is what {@link #toStateDict} exports; the network then has
     * torchvision's layout but learns from far fewer images, since what it learns about an object
     * at one position holds at all of them.
     *
     * @param spec the architecture
     * @param dropout dropout probability of the classifier (torchvision: 0.5)
     * @param pooledClassifier whether the first classifier layer is position-invariant
     * @return an uninitialised block
     */
    public static SequentialBlock build(VggSpec spec, float dropout, boolean pooledClassifier) {
        SequentialBlock features = new SequentialBlock();
        for (int v : spec.layers()) {
            if (v == VggSpec.POOL) {
                features.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            } else {
                features.add(
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .optPadding(new Shape(1, 1))
                                .setFilters(v)
                                .build());
                if (spec.batchNorm()) {
                    features.add(BatchNorm.builder().build());
                }
                features.add(Activation.reluBlock());
            }
        }
        features.add(new LambdaBlock(VggBlocks::adaptivePool7, "adaptiveAvgPool7"));
        if (pooledClassifier) {
            features.add(new LambdaBlock(VggBlocks::meanOverPositions, "meanOverPositions"));
        } else {
            features.add(Blocks.batchFlattenBlock());
        }
        SequentialBlock net = new SequentialBlock();
        net.add(features);
        net.add(Linear.builder().setUnits(spec.hidden()).build());
        net.add(Activation.reluBlock());
        net.add(Dropout.builder().optRate(dropout).build());
        net.add(Linear.builder().setUnits(spec.hidden()).build());
        net.add(Activation.reluBlock());
        net.add(Dropout.builder().optRate(dropout).build());
        net.add(Linear.builder().setUnits(spec.numClasses()).build());
        return net;
    }

    /** A block weight {@code (H, C)} standing for a spec weight {@code (H, C*7*7)}. */
    private static boolean isPooled(Shape block, Shape spec) {
        return block.dimension() == 2
                && spec.dimension() == 2
                && block.get(0) == spec.get(0)
                && block.get(1) * POSITIONS == spec.get(1);
    }

    private static NDList meanOverPositions(NDList in) {
        NDArray x = in.singletonOrThrow();
        Shape s = x.getShape();
        return new NDList(x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}));
    }

    private static NDList adaptivePool7(NDList in) {
        NDArray x = in.singletonOrThrow();
        Shape s = x.getShape();
        if (s.get(2) == 7 && s.get(3) == 7) {
            return in;
        }
        return new NDList(JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(7, 7)));
    }

    /**
     * The block's parameters in order, without copying.
     *
     * @param block a block from {@link #build}, initialised
     */
    public static List<Parameter> parameters(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue());
        }
        return out;
    }

    /**
     * Copies the block's parameters into a state dict with torchvision names, checking that their
     * order and shapes are those of {@link VggSpec#parameterShapes()}; a position-invariant first
     * classifier layer is widened to {@code (H, C*7*7)}.
     *
     * @param block an initialised block from {@link #build} for {@code spec}
     * @param spec its architecture
     * @param manager owner of the result
     * @throws IllegalStateException if the parameters do not line up with the spec
     */
    public static StateDict toStateDict(Block block, VggSpec spec, NDManager manager) {
        Map<String, Shape> expected = spec.parameterShapes();
        List<Parameter> params = parameters(block);
        if (params.size() != expected.size()) {
            throw new IllegalStateException(
                    "block has " + params.size() + " parameters, spec expects " + expected.size());
        }
        StateDict dict = StateDict.create(manager);
        try {
            int i = 0;
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                NDArray a = params.get(i++).getArray();
                if (e.getKey().equals(FIRST_LINEAR) && isPooled(a.getShape(), e.getValue())) {
                    try (NDManager tmp = dict.getManager().newSubManager()) {
                        NDArray w = tmp.create(a.toFloatArray(), a.getShape());
                        NDArray wide =
                                w.div(POSITIONS)
                                        .expandDims(2)
                                        .repeat(2, POSITIONS)
                                        .reshape(e.getValue());
                        dict.put(
                                e.getKey(),
                                dict.getManager().create(wide.toFloatArray(), e.getValue()));
                    }
                    continue;
                }
                if (!a.getShape().equals(e.getValue())) {
                    throw new IllegalStateException(
                            "parameter "
                                    + (i - 1)
                                    + " for '"
                                    + e.getKey()
                                    + "' has shape "
                                    + a.getShape()
                                    + ", expected "
                                    + e.getValue());
                }
                NDArray copy = dict.getManager().create(a.toFloatArray(), a.getShape());
                dict.put(e.getKey(), copy);
            }
            return dict;
        } catch (RuntimeException e) {
            dict.close();
            throw e;
        }
    }

    /**
     * Overwrites the block's parameters, batch-norm running statistics included, with the values of
     * {@code weights} (torchvision names, in spec order): used to start training from torchvision's
     * initialisation.
     */
    public static void load(Block block, VggSpec spec, StateDict weights) {
        List<Parameter> params = parameters(block);
        int i = 0;
        for (String name : spec.parameterShapes().keySet()) {
            NDArray target = params.get(i++).getArray();
            NDArray src = weights.get(name);
            if (name.equals(FIRST_LINEAR) && isPooled(target.getShape(), src.getShape())) {
                // Project onto position-invariant weights: sum over the 49 positions.
                long h = src.getShape().get(0);
                long c = target.getShape().get(1);
                try (NDArray folded = src.reshape(h, c, POSITIONS).sum(new int[] {2})) {
                    target.set(folded.toFloatArray());
                }
                continue;
            }
            if (!target.getShape().equals(src.getShape())) {
                throw new IllegalStateException(
                        "'"
                                + name
                                + "': block shape "
                                + target.getShape()
                                + " differs from "
                                + src.getShape());
            }
            target.set(src.toFloatArray());
        }
    }
}
