package dev.licnn.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random initialisation following torchvision's {@code VGG._initialize_weights}:
 *
 * <ul>
 *   <li>convolution weight (4-D {@code *.weight}): normal(0, sqrt(2 / (out * kh * kw))), i.e.
 *       {@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}; bias 0;
 *   <li>linear weight (2-D {@code *.weight}): normal(0, 0.01); bias 0;
 *   <li>batch norm (1-D {@code *.weight} with a sibling {@code running_mean}): weight 1, bias 0,
 *       {@code running_mean} 0, {@code running_var} 1, {@code num_batches_tracked} 0 (I64).
 * </ul>
 *
 * <p>Values are generated in Java, not by the engine: each tensor gets its own SplitMix64 stream
 * (seeded from the seed and the tensor's name) turned into normals by Marsaglia's polar method with
 * {@link StrictMath}, so a seed gives bit-identical weights on every machine and a tensor's values
 * do not depend on which other tensors are initialised.
 */
public final class TorchvisionInit {

    private TorchvisionInit() {}

    /** What a parameter is, inferred from its name, rank and siblings. */
    enum Kind {
        CONV_WEIGHT,
        LINEAR_WEIGHT,
        BN_WEIGHT,
        ZERO,
        ONE,
        COUNTER
    }

    static Kind kind(String name, Shape shape, Map<String, Shape> all) {
        int dot = name.lastIndexOf('.');
        String prefix = dot < 0 ? "" : name.substring(0, dot + 1);
        String leaf = name.substring(dot + 1);
        switch (leaf) {
            case "weight":
                if (shape.dimension() == 4) {
                    return Kind.CONV_WEIGHT;
                }
                if (shape.dimension() == 2) {
                    return Kind.LINEAR_WEIGHT;
                }
                if (shape.dimension() == 1 && all.containsKey(prefix + "running_mean")) {
                    return Kind.BN_WEIGHT;
                }
                break;
            case "bias":
            case "running_mean":
                return Kind.ZERO;
            case "running_var":
                return Kind.ONE;
            case "num_batches_tracked":
                return Kind.COUNTER;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "cannot tell how to initialise '"
                        + name
                        + "' of shape "
                        + shape
                        + ": expected a 4-D conv or 2-D linear weight, a bias, or batch-norm tensors");
    }

    /**
     * Initialises every expected parameter into {@code dict}.
     *
     * @param expected parameter name to shape, in order
     * @param seed random seed
     * @param dict destination
     */
    static void init(LinkedHashMap<String, Shape> expected, long seed, StateDict dict) {
        NDManager m = dict.getManager();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray array;
            switch (kind(name, shape, expected)) {
                case CONV_WEIGHT:
                    double fanOut = (double) shape.get(0) * shape.get(2) * shape.get(3);
                    array = normal(m, shape, StrictMath.sqrt(2.0 / fanOut), streamSeed(seed, name));
                    break;
                case LINEAR_WEIGHT:
                    array = normal(m, shape, 0.01, streamSeed(seed, name));
                    break;
                case BN_WEIGHT:
                case ONE:
                    array = m.ones(shape, DataType.FLOAT32);
                    break;
                case COUNTER:
                    array = m.zeros(shape, DataType.INT64);
                    break;
                default:
                    array = m.zeros(shape, DataType.FLOAT32);
                    break;
            }
            dict.put(name, array);
        }
    }

    /** Seed of one tensor's stream: SplitMix64 finaliser over the seed and the name's bytes. */
    static long streamSeed(long seed, String name) {
        long h = mix64(seed ^ 0x9E3779B97F4A7C15L);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = mix64(h ^ (b & 0xFF));
        }
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A new F32 array of normal(0, std) values from a seeded stream, in element order. */
    static NDArray normal(NDManager manager, Shape shape, double std, long streamSeed) {
        Gaussian g = new Gaussian(streamSeed);
        return ChunkedFill.floats(
                manager,
                shape,
                (dst, start, len) -> {
                    for (int i = 0; i < len; i++) {
                        dst.putFloat((float) (g.next() * std));
                    }
                });
    }

    /** Standard normals by Marsaglia's polar method over SplitMix64 doubles; fully specified. */
    static final class Gaussian {
        private final SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        Gaussian(long seed) {
            this.random = new SplittableRandom(seed);
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double mul = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
            spare = v * mul;
            hasSpare = true;
            return u * mul;
        }
    }
}
