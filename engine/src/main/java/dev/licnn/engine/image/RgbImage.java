package dev.licnn.engine.image;

/**
 * A decoded image as packed {@code 0xRRGGBB} pixels, row-major. Internal working type; the array is
 * shared, not copied.
 */
record RgbImage(int width, int height, int[] pixels) {
    RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "bad image geometry "
                            + width
                            + "x"
                            + height
                            + " for "
                            + pixels.length
                            + " pixels");
        }
    }

    int rgb(int x, int y) {
        return pixels[y * width + x];
    }
}
