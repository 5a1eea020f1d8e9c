package dev.licnn.engine.explain;

import dev.licnn.engine.InvalidInputException;

/**
 * What one job explains, shared by every explaining engine: the prepared input (3 x height x width,
 * channel-major) and the classes, either explicit ones or the model's top k. {@link #of} checks
 * what can be checked without the model, {@link #validate} the rest.
 */
public final class Targets {

    /** The smallest input side a VGG's five pools accept. */
    public static final int MIN_SIDE = 32;

    /** Classes explained (or ranked) when a request names neither classes nor k. */
    public static final int DEFAULT_TOP_K = 5;

    private final float[] input;
    private final int height;
    private final int width;
    private final int topK;
    private final int[] classIds;

    private Targets(float[] input, int height, int width, int topK, int[] classIds) {
        this.input = input;
        this.height = height;
        this.width = width;
        this.topK = topK;
        this.classIds = classIds;
    }

    /**
     * @param input the normalised image (not copied)
     * @param classIds explicit classes in the order to explain them, or null for the top {@code
     *     topK}
     * @throws IllegalArgumentException naming the problem: the input's length or values, k, or the
     *     explicit classes (non-negative, no repeats)
     */
    public static Targets of(float[] input, int height, int width, int topK, int[] classIds) {
        validateRequest(input, height, width, topK, classIds);
        return new Targets(input, height, width, topK, classIds == null ? null : classIds.clone());
    }

    /**
     * The rule for a requested k against a model, for callers that take k from outside (the
     * server's requests): 0 means the default, {@code min(DEFAULT_TOP_K, numClasses)}; anything
     * else must lie in 1..numClasses.
     *
     * @return the k to use
     * @throws InvalidInputException naming the allowed range and the value given
     */
    public static int topK(int requested, int numClasses) {
        if (requested == 0) {
            return Math.min(DEFAULT_TOP_K, numClasses);
        }
        if (requested < 1 || requested > numClasses) {
            throw new InvalidInputException(
                    "top_k must be between 1 and "
                            + numClasses
                            + " (the model's classes), got "
                            + requested);
        }
        return requested;
    }

    /** The normalised input, 3 x height x width, channel-major. Shared: do not modify. */
    public float[] input() {
        return input;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Number of top classes to explain when no explicit classes are given. */
    public int topK() {
        return topK;
    }

    /** Explicit classes to explain in this order, or null for the top-k. */
    public int[] classIds() {
        return classIds == null ? null : classIds.clone();
    }

    /** How many classes will be explained. */
    public int count() {
        return classIds == null ? topK : classIds.length;
    }

    /** The classes to explain, in order: the explicit ones, else the top k of {@code logits}. */
    public int[] resolve(float[] logits) {
        return classIds != null ? classIds.clone() : Ranking.topK(logits, topK);
    }

    private static void validateRequest(
            float[] input, int height, int width, int topK, int[] classIds) {
        if (input == null) {
            throw new InvalidInputException("input is required");
        }
        if (height <= 0 || width <= 0 || (long) 3 * height * width != input.length) {
            throw new InvalidInputException(
                    "input must hold 3 x "
                            + height
                            + " x "
                            + width
                            + " = "
                            + (3L * height * width)
                            + " values, got "
                            + input.length);
        }
        for (int i = 0; i < input.length; i++) {
            if (!Float.isFinite(input[i])) {
                throw new InvalidInputException("input value " + i + " is not finite: " + input[i]);
            }
        }
        if (classIds == null) {
            if (topK < 1) {
                throw new InvalidInputException("top-k must be at least 1, got " + topK);
            }
            return;
        }
        if (classIds.length == 0) {
            throw new InvalidInputException("at least one class must be given");
        }
        int[] sorted = classIds.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) {
                throw new InvalidInputException("class ids must be >= 0, got " + sorted[i]);
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new InvalidInputException("class " + sorted[i] + " is given twice");
            }
        }
    }

    /**
     * Checks the targets against a model.
     *
     * @throws IllegalArgumentException if the input is too small
     * @throws UnknownClassException if a class or k does not fit the model
     */
    public void validate(int numClasses) {
        if (height < MIN_SIDE || width < MIN_SIDE) {
            throw new InvalidInputException(
                    "input must be at least "
                            + MIN_SIDE
                            + "x"
                            + MIN_SIDE
                            + ", got "
                            + height
                            + "x"
                            + width);
        }
        if (classIds == null) {
            if (topK > numClasses) {
                throw new UnknownClassException(
                        "top-k of " + topK + " exceeds the model's " + numClasses + " classes");
            }
            return;
        }
        for (int c : classIds) {
            if (c >= numClasses) {
                throw new UnknownClassException(
                        "class "
                                + c
                                + " does not exist: the model has classes 0.."
                                + (numClasses - 1));
            }
        }
    }
}
