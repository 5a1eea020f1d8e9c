package dev.licnn.engine.licnn;

/** Checks of an image's size and of the classes asked for, shared by every explaining engine. */
public final class Targets {

    /** The smallest input side a VGG's five pools accept. */
    public static final int MIN_SIDE = 32;

    private Targets() {}

    /**
     * Checks what a job builder can check without the model: the input's length and values, k,
     * and the explicit classes (non-negative, no repeats).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static void validateRequest(float[] input, int height, int width, int topK, int[] classIds) {
        if (input == null) {
            throw new IllegalArgumentException("input is required");
        }
        if (height <= 0 || width <= 0 || (long) 3 * height * width != input.length) {
            throw new IllegalArgumentException("input must hold 3 x " + height + " x " + width
                    + " = " + (3L * height * width) + " values, got " + input.length);
        }
        for (int i = 0; i < input.length; i++) {
            if (!Float.isFinite(input[i])) {
                throw new IllegalArgumentException("input value " + i + " is not finite: " + input[i]);
            }
        }
        if (classIds == null) {
            if (topK < 1) {
                throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
            }
            return;
        }
        if (classIds.length == 0) {
            throw new IllegalArgumentException("at least one class must be given");
        }
        int[] sorted = classIds.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0) {
                throw new IllegalArgumentException("class ids must be >= 0, got " + sorted[i]);
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("class " + sorted[i] + " is given twice");
            }
        }
    }

    /**
     * @param classIds explicit classes, or null for the top-k
     * @throws IllegalArgumentException if the input is too small
     * @throws UnknownClassException if a class or k does not fit the model
     */
    public static void validate(int height, int width, int topK, int[] classIds, int numClasses) {
        if (height < MIN_SIDE || width < MIN_SIDE) {
            throw new IllegalArgumentException("input must be at least " + MIN_SIDE + "x" + MIN_SIDE
                    + ", got " + height + "x" + width);
        }
        if (classIds == null) {
            if (topK > numClasses) {
                throw new UnknownClassException("top-k of " + topK + " exceeds the model's " + numClasses + " classes");
            }
            return;
        }
        for (int c : classIds) {
            if (c >= numClasses) {
                throw new UnknownClassException(
                        "class " + c + " does not exist: the model has classes 0.." + (numClasses - 1));
            }
        }
    }
}
