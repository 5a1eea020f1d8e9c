package dev.licnn.engine.licnn;

/** Checks of an image's size and of the classes asked for, shared by every explaining engine. */
public final class Targets {

    /** The smallest input side a VGG's five pools accept. */
    public static final int MIN_SIDE = 32;

    private Targets() {}

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
