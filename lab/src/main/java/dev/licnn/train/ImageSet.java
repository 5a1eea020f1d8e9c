package dev.licnn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.licnn.dataset.Manifest;
import dev.licnn.dataset.ManifestEntry;
import dev.licnn.dataset.Split;
import dev.licnn.engine.image.ImagePreprocessor;
import dev.licnn.engine.image.PreparedImage;
import dev.licnn.engine.image.PreprocessConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The images of one split, decoded and cropped by the model's {@link ImagePreprocessor} and held as
 * 8-bit CHW planes (a quarter of the memory of floats); batches are normalised on demand with the
 * same arithmetic as the pre-processor, so training sees exactly what serving sees.
 *
 * <pre>{@code
 * ImageSet train = ImageSet.load(Path.of("data/shapes"), Split.TRAIN, preprocess, 2);
 * NDArray x = train.batch(new int[] {0, 1, 2}, manager);   // 3 x 3 x 224 x 224
 * }</pre>
 */
public final class ImageSet {

    private final List<ManifestEntry> entries;
    private final byte[][] planes;
    private final int[] labels;
    private final int side;
    private final float[] mean;
    private final float[] std;

    private ImageSet(
            List<ManifestEntry> entries, byte[][] planes, int side, PreprocessConfig config) {
        this.entries = List.copyOf(entries);
        this.planes = planes;
        this.side = side;
        this.labels = new int[entries.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = entries.get(i).shapeClass().id();
        }
        this.mean = config.mean();
        this.std = config.std();
    }

    /**
     * Loads every image of {@code split} listed in the dataset's manifest.
     *
     * @param root dataset root (holding {@code manifest.csv})
     * @param split which split
     * @param config the model's pre-processing
     * @param threads decoding threads
     * @throws IOException if the manifest or an image cannot be read
     */
    public static ImageSet load(Path root, Split split, PreprocessConfig config, int threads)
            throws IOException, InterruptedException {
        return of(root, Manifest.ofSplit(Manifest.read(root), split), config, threads);
    }

    /** Loads the given manifest entries (paths relative to {@code root}). */
    public static ImageSet of(
            Path root, List<ManifestEntry> entries, PreprocessConfig config, int threads)
            throws IOException, InterruptedException {
        ImagePreprocessor pre = new ImagePreprocessor(config);
        int side = config.cropSize();
        byte[][] planes = new byte[entries.size()][];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                int index = i;
                futures.add(
                        pool.submit(
                                () -> {
                                    try {
                                        PreparedImage img =
                                                pre.prepare(
                                                        Files.readAllBytes(
                                                                root.resolve(
                                                                        entries.get(index)
                                                                                .file())));
                                        planes[index] = toPlanes(img.rgb(), side);
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UncheckedIOException u) {
                        throw u.getCause();
                    }
                    throw new IOException("cannot prepare image: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new ImageSet(entries, planes, side, config);
    }

    private static byte[] toPlanes(int[] rgb, int side) {
        int plane = side * side;
        byte[] out = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = (byte) (rgb[i] >> 16);
            out[plane + i] = (byte) (rgb[i] >> 8);
            out[2 * plane + i] = (byte) rgb[i];
        }
        return out;
    }

    public int size() {
        return planes.length;
    }

    /** Side of the (square) model input. */
    public int side() {
        return side;
    }

    public ManifestEntry entry(int i) {
        return entries.get(i);
    }

    /** Class id of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /**
     * The normalised {@code [n, 3, side, side]} input for images {@code indices}, owned by {@code
     * manager}.
     */
    public NDArray batch(int[] indices, NDManager manager) {
        int plane = side * side;
        float[] out = new float[indices.length * 3 * plane];
        for (int b = 0; b < indices.length; b++) {
            byte[] p = planes[indices[b]];
            int base = b * 3 * plane;
            for (int c = 0; c < 3; c++) {
                float m = mean[c];
                float s = std[c];
                for (int i = 0; i < plane; i++) {
                    float v = (p[c * plane + i] & 0xFF) / 255f;
                    out[base + c * plane + i] = (v - m) / s;
                }
            }
        }
        return manager.create(out, new Shape(indices.length, 3, side, side));
    }

    /** The class ids of images {@code indices} as an INT32 array owned by {@code manager}. */
    public NDArray labels(int[] indices, NDManager manager) {
        int[] l = new int[indices.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels[indices[i]];
        }
        return manager.create(l);
    }
}
