package dev.licnn.engine.image;

/**
 * Where the network's input lies in the decoded image: the shorter edge resized to {@code
 * resizedWidth x resizedHeight}, then a {@code size x size} centre crop from ({@code left}, {@code
 * top}) in resized pixels. The {@code source*} methods give the same box in the decoded image's
 * pixels (after EXIF orientation), where overlays over the whole image are drawn.
 *
 * <pre>{@code
 * CropBox box = pre.cropBox(640, 480); // resized 341 x 256, crop 224 from (58, 16)
 * box.sourceLeft();                    // 108.85...: 58 * 640 / 341
 * box.seesWholeImage();                // false: the sides were cut off
 * }</pre>
 */
public record CropBox(
        int sourceWidth,
        int sourceHeight,
        long resizedWidth,
        long resizedHeight,
        long left,
        long top,
        int size) {

    /** Horizontal scale from resized to source pixels. */
    public double scaleX() {
        return (double) sourceWidth / resizedWidth;
    }

    /** Vertical scale from resized to source pixels. */
    public double scaleY() {
        return (double) sourceHeight / resizedHeight;
    }

    /** Left edge of the crop in source pixels. */
    public double sourceLeft() {
        return left * scaleX();
    }

    /** Top edge of the crop in source pixels. */
    public double sourceTop() {
        return top * scaleY();
    }

    /** Right edge (exclusive) of the crop in source pixels. */
    public double sourceRight() {
        return (left + size) * scaleX();
    }

    /** Bottom edge (exclusive) of the crop in source pixels. */
    public double sourceBottom() {
        return (top + size) * scaleY();
    }

    /**
     * The crop coordinate (0 to {@code size}) of source coordinate {@code x}, continuous: pixel
     * centres are at {@code x + 0.5}.
     */
    public double cropX(double sourceX) {
        return sourceX / scaleX() - left;
    }

    /** The crop coordinate (0 to {@code size}) of source coordinate {@code y}. */
    public double cropY(double sourceY) {
        return sourceY / scaleY() - top;
    }

    /** Whether the crop holds the whole resized image (nothing was cut off). */
    public boolean seesWholeImage() {
        return left == 0 && top == 0 && size == resizedWidth && size == resizedHeight;
    }

    /** The fraction of the image's area the network saw, in (0, 1]. */
    public double seenFraction() {
        return (double) size * size / ((double) resizedWidth * resizedHeight);
    }
}
