package dev.licnn.experiments.blur;

/**
 * The images of the blur experiment: a region's pixels (see {@link BlurRegion}) kept sharp with the
 * rest blurred, or the opposite.
 */
public final class BlurVariants {

    /** The two edited variants of a region. */
    public enum Variant {
        /** Region pixels from the original, the rest from the blurred image. */
        BLURRED_BACKGROUND("blurred_background"),
        /** The rest from the original, region pixels from the blurred image. */
        BLURRED_OBJECT("blurred_object");

        private final String key;

        Variant(String key) {
            this.key = key;
        }

        /** Name in files and tables. */
        public String key() {
            return key;
        }
    }

    private BlurVariants() {}

    /** Mixes {@code original} and {@code blurred} (packed RGB, same size) under the object mask. */
    public static int[] compose(int[] original, int[] blurred, boolean[] object, Variant v) {
        if (original.length != blurred.length || original.length != object.length) {
            throw new IllegalArgumentException("image, blurred image and mask differ in size");
        }
        int[] out = new int[original.length];
        boolean sharpObject = v == Variant.BLURRED_BACKGROUND;
        for (int i = 0; i < out.length; i++) {
            out[i] = object[i] == sharpObject ? original[i] : blurred[i];
        }
        return out;
    }

    /** The share of object pixels. */
    public static double objectFraction(boolean[] object) {
        return object.length == 0 ? 0 : (double) BlurRegion.area(object) / object.length;
    }
}
